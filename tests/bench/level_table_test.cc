// Tests for the levels table: the Pareto front, the Markdown and the report.
#include "runner/bench/level_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "queue/atomic_file.h"
#include "support/temp_dir.h"

namespace qmnmr::bench {
namespace {
using nlohmann::json;
using ::testing::HasSubstr;

// A level with a cross-validated 1H MAE (equivalent atoms), and 13C when given.
json level(const std::string& key, double cpu, double h1_mae, std::optional<double> c13_mae = {}) {
  auto figures = [](double mae) {
    return json{{"n", 10}, {"mae", mae}, {"rmsd", mae * 1.3},
                {"max_abs_error", {{"ppm", mae * 3}, {"compound", "compound_07"}, {"atom", "H5"}}}};
  };
  json st{{"1H", {{"equivalent_averaged", {{"cross_validated", figures(h1_mae)},
                                           {"in_sample", figures(h1_mae * 0.9)}}}}}};
  if (c13_mae)
    st["13C"] = {{"equivalent_averaged", {{"cross_validated", figures(*c13_mae)}}}};
  return {{"key", key}, {"label", key}, {"geometry", "set"}, {"compounds", 15},
          {"compounds_counted", 15}, {"statistics", st},
          {"cpu_seconds_per_compound", {{"total", cpu}, {"shielding", cpu}, {"geometry", 0}}},
          {"wall_seconds_per_compound", {{"total", cpu / 2}}}};
}

TEST(LevelTable, TheParetoFrontKeepsTheLevelsNoneIsCheaperAndMoreAccurateThan) {
  json levels = json::array({level("a", 100, 0.10), level("b", 50, 0.12), level("c", 200, 0.11),
                             level("d", 300, 0.05), level("e", 60, 0.15), level("f", 20, 0.30)});
  EXPECT_EQ(pareto_front(levels, "1H"), (std::vector<std::string>{"f", "b", "a", "d"}));
  // c is dominated by a (cheaper and better), e by b.
  EXPECT_TRUE(pareto_front(levels, "13C").empty()) << "no level has 13C figures";
  levels.push_back(level("g", 500, 0.2, 1.5));
  EXPECT_EQ(pareto_front(levels, "13C"), (std::vector<std::string>{"g"}));
}

TEST(LevelTable, EqualCostKeepsOnlyTheMoreAccurate) {
  json levels = json::array({level("x", 100, 0.12), level("y", 100, 0.10)});
  EXPECT_EQ(pareto_front(levels, "1H"), (std::vector<std::string>{"y"}));
}

TEST(LevelTable, TheMarkdownRowsCarryTheFiguresAndTheFront) {
  json doc{{"levels", json::array({level("pbe0/def2-svp @ set", 120, 0.1234, 1.987),
                                   level("b3lyp/def2-svp @ set", 200, 0.2)})}};
  doc["pareto"] = {{"1H", pareto_front(doc["levels"], "1H")},
                   {"13C", pareto_front(doc["levels"], "13C")}};
  const auto md = levels_markdown(doc);
  EXPECT_THAT(md, HasSubstr("| pbe0/def2-svp @ set | set | 15 of 15 | 0.123 / 0.160 | 0.111 |"));
  EXPECT_THAT(md, HasSubstr("| 1.99 / 2.58 |"));
  EXPECT_THAT(md, HasSubstr("| 120 (120 + 0) | 60 | 1H, 13C |"));
  EXPECT_THAT(md, HasSubstr("| 200 (200 + 0) | 100 | - |")) << "b3lyp is dominated";
}

TEST(LevelTable, TheOutputsAreWrittenAndThePlotEscapesItsLabels) {
  testing::TempDir tmp("levels");
  json doc{{"levels", json::array({level("<b>", 10, 0.1, 2.0)})}, {"set", {{"path", "x"}}}};
  doc["pareto"] = {{"1H", json::array({"<b>"})}, {"13C", json::array({"<b>"})}};
  write_levels_outputs(tmp.path(), doc);
  for (const char* f : {"levels.json", "levels.md", "pareto_1H.svg", "pareto_13C.svg", "report.html"})
    EXPECT_TRUE(std::filesystem::exists(tmp.path() / f)) << f;
  const auto svg = queue::read_file(tmp.path() / "pareto_1H.svg");
  EXPECT_THAT(svg, HasSubstr("&lt;b&gt;"));
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
}

}  // namespace
}  // namespace qmnmr::bench
