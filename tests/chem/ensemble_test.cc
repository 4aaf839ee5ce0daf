// Tests for energy windows and Boltzmann weighting, against closed forms
// computed here independently of the implementation.
#include "chem/ensemble.h"

#include <gtest/gtest.h>

#include <cmath>

#include "chem/error.h"

namespace qmnmr::chem {
namespace {

TEST(Ensemble, TwoConformerClosedForm) {
  // Two conformers 1 kcal/mol apart: w1 = 1 / (1 + exp(-1/RT)), w2 = 1 - w1.
  const double hartree_gap = 1.0 / 627.5095;
  const double rt = 0.001987204 * 298.15;  // 0.592484...
  const double w1 = 1.0 / (1.0 + std::exp(-1.0 / rt));
  auto w = boltzmann_weights({-100.0 + hartree_gap, -100.0});
  ASSERT_EQ(w.size(), 2u);
  EXPECT_NEAR(w[1], w1, 1e-12);
  EXPECT_NEAR(w[0], 1.0 - w1, 1e-12);
  EXPECT_NEAR(w[1], 0.8439, 1e-4);  // hand value: 1/(1+e^-1.68781)
}

TEST(Ensemble, EqualEnergiesEqualWeightsAndNoOverflow) {
  auto w = boltzmann_weights({-5000.0, -5000.0, -5000.0});
  for (double x : w) EXPECT_NEAR(x, 1.0 / 3.0, 1e-15);
  // 1 Hartree apart: the upper one is ~exp(-1059) = 0, without NaN.
  auto far = boltzmann_weights({-10.0, -11.0});
  EXPECT_EQ(far[0], 0.0);
  EXPECT_EQ(far[1], 1.0);
}

TEST(Ensemble, WindowIsInclusiveAndRelativeToMinimum) {
  const double k = 1.0 / 627.5095;  // 1 kcal/mol in Hartree
  std::vector<double> e = {-1.0 + 2.9 * k, -1.0, -1.0 + 3.0 * k, -1.0 + 3.2 * k};
  EXPECT_EQ(within_energy_window(e, 3.0), (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(within_energy_window(e, 0.0), (std::vector<size_t>{1}));
  auto rel = relative_energies_kcal(e);
  EXPECT_NEAR(rel[3], 3.2, 1e-9);
  EXPECT_EQ(rel[1], 0.0);
  EXPECT_THROW(within_energy_window(e, -1), ChemError);
  EXPECT_THROW(boltzmann_weights({}), ChemError);
  EXPECT_THROW(boltzmann_weights({-1.0, NAN}), ChemError);
}

TEST(Ensemble, WeightedShieldings) {
  auto avg = weighted_shieldings({{30.0, 150.0}, {31.0, 160.0}}, {0.25, 0.75});
  ASSERT_EQ(avg.size(), 2u);
  EXPECT_DOUBLE_EQ(avg[0], 30.75);
  EXPECT_DOUBLE_EQ(avg[1], 157.5);
  EXPECT_THROW(weighted_shieldings({{1.0}, {1.0, 2.0}}, {0.5, 0.5}), ChemError);
  EXPECT_THROW(weighted_shieldings({{1.0}}, {0.5, 0.5}), ChemError);
}

}  // namespace
}  // namespace qmnmr::chem
