// Stage times over finished jobs, worked by hand: count, min, median, max,
// total and share per stage, in the order the stages ran; a resumed stage adds up.
#include <gtest/gtest.h>

#include "runner/bench/stage_times.h"

namespace qmnmr::bench {
namespace {
using nlohmann::json;

json job(std::vector<std::pair<std::string, double>> steps) {
  json doc{{"status", "complete"}, {"steps_completed", json::array()}};
  for (auto& [name, s] : steps) doc["steps_completed"].push_back({{"step", name}, {"duration_seconds", s}});
  return doc;
}

TEST(StageTimes, SummarisesEachStageWorkedByHand) {
  auto rows = stage_times({job({{"prepare", 1}, {"shielding", 10}}),
                           job({{"prepare", 3}, {"shielding", 20}, {"shielding", 10}}),
                           job({{"prepare", 2}, {"shielding", 60}})});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].stage, "prepare");
  EXPECT_EQ(rows[0].count, 3);
  EXPECT_DOUBLE_EQ(rows[0].min, 1);
  EXPECT_DOUBLE_EQ(rows[0].median, 2);
  EXPECT_DOUBLE_EQ(rows[0].max, 3);
  EXPECT_DOUBLE_EQ(rows[0].total, 6);
  EXPECT_DOUBLE_EQ(rows[1].median, 30);  // 10, 30 (20 + 10 of a resumed run), 60
  EXPECT_DOUBLE_EQ(rows[1].total, 100);
  EXPECT_NEAR(rows[1].share, 100.0 / 106.0, 1e-12);
  EXPECT_NEAR(rows[0].share + rows[1].share, 1.0, 1e-12);
  auto even = stage_times({job({{"a", 1}}), job({{"a", 4}})});
  EXPECT_DOUBLE_EQ(even[0].median, 2.5);
  auto table = stage_times_table(rows, 3);
  EXPECT_NE(table.find("shielding"), std::string::npos);
  EXPECT_NE(table.find("94.3%"), std::string::npos) << table;
}

}  // namespace
}  // namespace qmnmr::bench
