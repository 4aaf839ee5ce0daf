// Tests of the paired comparison of bench levels: the difference, its bootstrap
// interval, the share of resamples won, and the table rows.
#include "runner/bench/level_comparison.h"

#include <gtest/gtest.h>

#include <vector>

namespace qmnmr::bench {
namespace {
using nlohmann::json;

// A level whose 1H groups have these cross-validated errors, per compound.
json level(const std::string& key, const std::vector<std::vector<double>>& errors,
           double cpu = 100) {
  json points = json::array();
  for (size_t c = 0; c < errors.size(); ++c)
    for (double e : errors[c])
      points.push_back({{"compound", "compound_" + std::to_string(c + 1)},
                        {"experimental", 2.0},
                        {"cv_predicted", 2.0 + e}});
  return {{"key", key},
          {"label", key},
          {"geometry", "set"},
          {"cpu_seconds_per_compound", {{"total", cpu}}},
          {"statistics", {{"1H", {{"equivalent_averaged", {{"points", points}}}}}}}};
}

TEST(LevelComparison, ALevelBetterOnEveryCompoundHasAnIntervalBelowZero) {
  const json ref = level("ref", {{0.10, -0.20}, {0.05}, {-0.30, 0.10, 0.02}});
  const json better = level("better", {{0.09, -0.19}, {0.04}, {-0.29, 0.09, 0.01}});
  const auto d = paired_mae_difference(better, ref, "1H");
  ASSERT_TRUE(d);
  EXPECT_NEAR(d->difference, -0.01, 1e-12);
  EXPECT_NEAR(d->low, -0.01, 1e-12);
  EXPECT_NEAR(d->high, -0.01, 1e-12);
  EXPECT_DOUBLE_EQ(d->p_better, 1.0);
  EXPECT_EQ(d->compounds, 3);
  // The same errors: no difference, never better.
  const auto same = paired_mae_difference(ref, ref, "1H");
  ASSERT_TRUE(same);
  EXPECT_DOUBLE_EQ(same->difference, 0.0);
  EXPECT_DOUBLE_EQ(same->p_better, 0.0);
}

TEST(LevelComparison, BetterOnSomeCompoundsAndWorseOnOthersHoldsZero) {
  std::vector<std::vector<double>> ref_errors, mixed_errors;
  for (int c = 0; c < 12; ++c) {
    ref_errors.push_back({0.10});
    mixed_errors.push_back({c % 2 ? 0.05 : 0.16});  // -0.05 on half, +0.06 on the rest
  }
  const auto d = paired_mae_difference(level("mixed", mixed_errors), level("ref", ref_errors),
                                       "1H");
  ASSERT_TRUE(d);
  EXPECT_NEAR(d->difference, 0.005, 1e-12);
  EXPECT_LT(d->low, 0.0);
  EXPECT_GT(d->high, 0.0);
  EXPECT_LT(d->low, d->difference);
  EXPECT_GT(d->high, d->difference);
  EXPECT_GT(d->p_better, 0.1);
  EXPECT_LT(d->p_better, 0.9);
  // The fixed seed: the same figures every time.
  const auto again = paired_mae_difference(level("mixed", mixed_errors),
                                           level("ref", ref_errors), "1H");
  EXPECT_EQ(again->low, d->low);
  EXPECT_EQ(again->high, d->high);
}

TEST(LevelComparison, OnlySharedCompoundsArePairedAndOneIsTooFew) {
  const json ref = level("ref", {{0.1}, {0.2}});
  json other = level("other", {{0.1}});
  EXPECT_FALSE(paired_mae_difference(other, ref, "1H"));
  EXPECT_FALSE(paired_mae_difference(ref, ref, "13C")) << "no 13C points";
}

TEST(LevelComparison, EveryLevelButTheReferenceGetsARowWithItsCostRatio) {
  const json levels = json::array({level("ref", {{0.10}, {0.20}}, 200),
                                   level("cheap", {{0.15}, {0.25}}, 50)});
  EXPECT_TRUE(compare_levels(levels, "none").is_null());
  const json c = compare_levels(levels, "ref");
  ASSERT_EQ(c["levels"].size(), 1u);
  EXPECT_EQ(c["levels"][0]["key"], "cheap");
  EXPECT_DOUBLE_EQ(c["levels"][0]["cpu_ratio"].get<double>(), 0.25);
  EXPECT_NEAR(c["levels"][0]["1H"]["difference"].get<double>(), 0.05, 1e-12);
  EXPECT_TRUE(c["levels"][0]["13C"].is_null());
  const auto rows = comparison_rows(c);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].size(), comparison_columns().size());
  EXPECT_EQ(rows[0][2], "+0.050 [+0.050, +0.050]");
  EXPECT_EQ(rows[0][4], "-");
  EXPECT_EQ(rows[0][6], "0.25");
  EXPECT_NE(comparison_note(c).find("ref // set"), std::string::npos);
}

}  // namespace
}  // namespace qmnmr::bench
