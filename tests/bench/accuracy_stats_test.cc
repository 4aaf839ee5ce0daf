// The benchmark statistics against a case worked by hand: the least-squares
// line, in-sample and leave-one-compound-out errors, the worst atom, the
// per-compound MAE, and outliers beyond three standard deviations.
#include <gtest/gtest.h>

#include <cmath>

#include "runner/bench/accuracy_stats.h"

namespace qmnmr::bench {
namespace {

// Two compounds, two atoms each; "predicted" as a TMS-like 31 - sigma would give.
std::vector<Observation> hand_case() {
  return {{"A", "alpha", "H1", 30, 1, 1},
          {"A", "alpha", "H2", 28, 3, 3},
          {"B", "beta", "H1", 26, 5, 5},
          {"B", "beta", "H2", 25, 6, 7}};
}

TEST(AccuracyStats, LeastSquaresLineWorkedByHand) {
  // x = 30, 28, 26, 25; y = 1, 3, 5, 7: Sxx = 14.75, Sxy = -17.
  auto f = fit_line({30, 28, 26, 25}, {1, 3, 5, 7});
  EXPECT_NEAR(f.slope, -68.0 / 59.0, 1e-12);
  EXPECT_NEAR(f.intercept, 2089.0 / 59.0, 1e-12);
  EXPECT_EQ(f.n, 4);
  EXPECT_THROW(fit_line({1}, {2}), std::invalid_argument);
  EXPECT_THROW(fit_line({3, 3, 3}, {1, 2, 3}), std::invalid_argument);
}

TEST(AccuracyStats, DirectInSampleAndCrossValidatedErrorsWorkedByHand) {
  auto a = assess(hand_case());
  // The job's own conversion: errors 0, 0, 0, -1.
  EXPECT_EQ(a.direct.n, 4);
  EXPECT_NEAR(a.direct.mae, 0.25, 1e-12);
  EXPECT_NEAR(a.direct.rmsd, 0.5, 1e-12);
  EXPECT_NEAR(a.direct.mean_error, -0.25, 1e-12);
  EXPECT_EQ(a.direct.max_compound, "B");
  EXPECT_EQ(a.direct.max_atom, "H2");
  // In sample: residuals -10, 8, 26, -24 (in 59ths).
  ASSERT_TRUE(a.fit);
  EXPECT_NEAR(a.in_sample.mae, 17.0 / 59.0, 1e-12);
  EXPECT_NEAR(a.in_sample.rmsd, std::sqrt(354.0) / 59.0, 1e-12);
  EXPECT_NEAR(a.residual_sd, std::sqrt(708.0) / 59.0, 1e-12);
  EXPECT_TRUE(a.outliers.empty());
  // Leave A out: the line through B's atoms is y = -2x + 57 -> A predicted -3, 1.
  // Leave B out: y = -x + 31 -> B predicted 5, 6. Errors -4, -2, 0, -1.
  EXPECT_NEAR(a.cv_predicted[0], -3, 1e-12);
  EXPECT_NEAR(a.cv_predicted[1], 1, 1e-12);
  EXPECT_NEAR(a.cv_predicted[2], 5, 1e-12);
  EXPECT_NEAR(a.cv_predicted[3], 6, 1e-12);
  EXPECT_EQ(a.cross_validated.n, 4);
  EXPECT_NEAR(a.cross_validated.mae, 1.75, 1e-12);
  EXPECT_NEAR(a.cross_validated.rmsd, std::sqrt(21.0 / 4), 1e-12);
  EXPECT_NEAR(a.cross_validated.max_abs_error, 4, 1e-12);
  EXPECT_EQ(a.cross_validated.max_compound, "A");
  EXPECT_EQ(a.cross_validated.max_atom, "H1");
  EXPECT_NEAR(a.cross_validated.compound_mae.at("A"), 3, 1e-12);
  EXPECT_NEAR(a.cross_validated.compound_mae.at("B"), 0.5, 1e-12);
  // The cross-validated figures are worse than the in-sample ones, as they must be here.
  EXPECT_GT(a.cross_validated.mae, a.in_sample.mae);
}

TEST(AccuracyStats, OneCompoundHasNoCrossValidation) {
  auto a = assess({{"A", "alpha", "C1", 100, 70, 71}, {"A", "alpha", "C2", 150, 20, 22}});
  ASSERT_TRUE(a.fit);
  EXPECT_EQ(a.cross_validated.n, 0);
  EXPECT_TRUE(std::isnan(a.cv_predicted[0]));
  auto j = to_json(a);
  EXPECT_EQ(j["cross_validated"]["n"], 0);
  EXPECT_FALSE(j["cross_validated"].contains("mae"));
}

TEST(AccuracyStats, AnAtomFarOffTheLineIsListedAndKept) {
  std::vector<Observation> obs;
  for (int c = 0; c < 6; ++c)
    for (int k = 0; k < 4; ++k) {
      double sigma = 20 + c + 0.25 * k;
      double wiggle = ((c + k) % 2 ? 0.05 : -0.05);
      obs.push_back({"c" + std::to_string(c), "n", "C" + std::to_string(k + 1), sigma, 0,
                     180 - sigma + wiggle});
    }
  obs[9].experimental += 6;  // c2 C2
  auto a = assess(obs);
  ASSERT_EQ(a.outliers.size(), 1u);
  EXPECT_EQ(a.outliers[0].compound, "c2");
  EXPECT_EQ(a.outliers[0].atom, "C2");
  EXPECT_LT(a.outliers[0].residual, 0);  // the fitted value lies below the raised experiment
  EXPECT_EQ(a.in_sample.n, 24);           // listed, not dropped
  EXPECT_EQ(a.cross_validated.n, 24);
}

}  // namespace
}  // namespace qmnmr::bench
