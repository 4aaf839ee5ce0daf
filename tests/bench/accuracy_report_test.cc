// The bench's outputs from counted compounds: statistics per nucleus and
// counting, the table, the files in the folder, and the calibration taken from
// the equivalent-atom fit with its cross-validated errors.
#include <gtest/gtest.h>

#include "queue/atomic_file.h"
#include "runner/bench/accuracy_report.h"
#include "support/temp_dir.h"

namespace qmnmr::bench {
namespace {
using nlohmann::json;

CompoundObservations compound(const std::string& id, double offset) {
  CompoundObservations c;
  for (int k = 0; k < 3; ++k) {
    double sigma_h = 30 - k - offset, sigma_c = 170 - 40 * k - 10 * offset;
    Observation h{id, "name " + id, "H" + std::to_string(k + 1), sigma_h, 31.5 - sigma_h,
                  31.6 - sigma_h + 0.05 * k};
    Observation c13{id, "name " + id, "C" + std::to_string(k + 1), sigma_c, 185 - sigma_c,
                    183 - sigma_c + 0.7 * k};
    for (auto counting : {Counting::per_atom, Counting::equivalent}) {
      c.by_nucleus["1H"][counting].push_back(h);
      c.by_nucleus["13C"][counting].push_back(c13);
    }
    c.atoms.push_back({{"compound", id}, {"name", "name " + id}, {"index", k + 1},
                       {"atom", h.atom}, {"element", "H"}, {"shielding", sigma_h},
                       {"equivalent_shielding", sigma_h}, {"predicted", h.predicted},
                       {"experimental", h.experimental}, {"error", h.predicted - h.experimental}});
  }
  return c;
}

json bench_doc() {
  auto summary = accuracy_summary({compound("compound_01", 0), compound("compound_02", 1.5),
                                   compound("compound_03", 3)});
  return {{"set", {{"path", "/sets/mini"}, {"source", "test"}, {"conditions", "CDCl3"}}},
          {"method", {{"preset", "draft"}, {"level", "B3LYP/6-31G*//B3LYP/6-31G*"},
                      {"solvent", "chcl3"}, {"geometry", "fixed"}, {"calibration", "none"}}},
          {"compounds", json::array({{{"id", "compound_01"}, {"name", "a"}, {"state", "complete"}},
                                     {{"id", "compound_02"}, {"name", "b"}, {"state", "complete"}},
                                     {{"id", "compound_03"}, {"name", "c"}, {"state", "complete"}},
                                     {{"id", "compound_04"}, {"name", "d"}, {"state", "failed"},
                                      {"error", "SCF did not converge"}}})},
          {"atoms", summary.atoms},
          {"statistics", summary.statistics}};
}

TEST(AccuracyReport, StatisticsTableFilesAndCalibration) {
  auto doc = bench_doc();
  const auto& h = doc["statistics"]["1H"]["equivalent_averaged"];
  EXPECT_EQ(h["direct"]["n"], 9);
  EXPECT_EQ(h["points"].size(), 9u);
  EXPECT_NEAR(h["direct"]["mean_error"].get<double>(), -0.1 - 0.05, 1e-9);  // 31.5 vs 31.6 + 0.05k
  EXPECT_EQ(h["cross_validated"]["n"], 9);

  auto md = accuracy_markdown(doc);
  EXPECT_NE(md.find("| 13C | equivalent atoms averaged | 9 |"), std::string::npos) << md;
  EXPECT_NE(md.find("cross-validated MAE / RMSD (leave one compound out)"), std::string::npos);
  EXPECT_NE(md.find("compound_04 (d): failed: SCF did not converge"), std::string::npos) << md;

  testing::TempDir dir("accuracy-report");
  write_accuracy_outputs(dir.path(), doc);
  for (const char* f : {"bench.json", "bench_atoms.csv", "bench.md", "plot_1H.svg",
                        "residuals_13C.svg", "report.html"})
    EXPECT_TRUE(std::filesystem::is_regular_file(dir / f)) << f;
  auto html = queue::read_file(dir / "report.html");
  EXPECT_NE(html.find("<td>compound_04</td>"), std::string::npos);
  EXPECT_EQ(json::parse(queue::read_file(dir / "bench.json")), doc);
  auto csv = queue::read_file(dir / "bench_atoms.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 9);

  auto cal = calibration_from_bench(doc, "mini.json");
  EXPECT_EQ(cal.preset, "draft");
  EXPECT_EQ(cal.compounds, 3);  // the failed compound is not counted
  ASSERT_EQ(cal.nuclei.size(), 2u);
  EXPECT_DOUBLE_EQ(cal.nuclei["13C"].cv_mae,
                   doc["statistics"]["13C"]["equivalent_averaged"]["cross_validated"]["mae"].get<double>());
  EXPECT_DOUBLE_EQ(cal.nuclei["1H"].slope, h["fit"]["slope"].get<double>());
  EXPECT_EQ(cal.nuclei["1H"].n, 9);

  auto one = doc;  // one compound: no cross-validation, so no calibration
  one["statistics"] = accuracy_summary({compound("compound_01", 0)}).statistics;
  EXPECT_THROW(calibration_from_bench(one, "x"), std::invalid_argument);
}

}  // namespace
}  // namespace qmnmr::bench
