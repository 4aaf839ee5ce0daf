// select_for_dft: energy first, the minimum always, diversity only among near-ties, and the
// Boltzmann weight left out.
#include "chem/conformer_selection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "chem/clustering.h"
#include "chem/error.h"
#include "support/molecules.h"

namespace qmnmr::chem {
namespace {

using ::testing::ElementsAre;

// Ethanol; variants move the hydroxyl proton (atom 9) by `dh` A along x and every other
// atom by a small, index-dependent amount, so each geometry is distinct.
struct Fixture {
  Molecule m = qmnmr::testing::molecule_from_smiles("CCO");
  Geometry variant(double dh, int seed) const {
    Geometry g = m.geometry;
    for (size_t i = 0; i < g.atoms.size(); ++i)
      g.atoms[i].y += 0.01 * std::sin(1.7 * seed + static_cast<double>(i));
    g.atoms[8].x += dh;
    return g;
  }
};

// The Boltzmann weight of `left` among `all` energies (kcal/mol), T = 298.15 K.
double weight_of(const std::vector<double>& all, const std::vector<size_t>& left) {
  double rt = kGasConstantKcal * kRoomTemperature, total = 0, part = 0;
  for (double e : all) total += std::exp(-e / rt);
  for (size_t i : left) part += std::exp(-all[i] / rt);
  return part / total;
}

TEST(ConformerSelection, MentholLikeEnergiesKeepTheTwoLowest) {
  Fixture f;
  std::vector<double> e = {1.57, 0.0, 4.98, 0.83};  // given out of order
  std::vector<Geometry> g = {f.variant(0, 1), f.variant(0, 2), f.variant(1.0, 3),
                             f.variant(0.5, 4)};
  Selection s = select_for_dft(f.m, g, e, 2);
  EXPECT_THAT(s.indices, ElementsAre(1u, 3u));
  EXPECT_NEAR(s.left_out_weight, weight_of(e, {0, 2}), 1e-12);
  // About 7 % of the population at room temperature: 1.57 kcal/mol is not negligible.
  EXPECT_GT(s.left_out_weight, 0.05);
  EXPECT_LT(s.left_out_weight, 0.1);
}

TEST(ConformerSelection, LoneMinimumFarFromABigClusterIsKept) {
  Fixture f;
  std::vector<Geometry> g = {f.variant(1.5, 0)};  // the minimum, far from the others
  std::vector<double> e = {0.0};
  for (int k = 1; k <= 9; ++k) {
    g.push_back(f.variant(0, k));
    e.push_back(0.3 + 0.2 * k);
  }
  ASSERT_GT(best_rmsd(f.m, g[0], g[1]), 0.3);
  Selection s = select_for_dft(f.m, g, e, 3);
  EXPECT_THAT(s.indices, ElementsAre(0u, 1u, 2u));
  EXPECT_NEAR(s.left_out_weight, weight_of(e, {3, 4, 5, 6, 7, 8, 9}), 1e-12);
}

TEST(ConformerSelection, DiversityBreaksNearTiesOnly) {
  Fixture f;
  // 1 and 2 are within 0.1 kcal/mol; 1 is nearly the minimum's geometry, 2 is not.
  std::vector<Geometry> g = {f.variant(0, 0), f.variant(0.02, 1), f.variant(1.2, 2),
                             f.variant(1.5, 3)};
  std::vector<double> e = {0.0, 0.50, 0.58, 0.9};
  EXPECT_THAT(select_for_dft(f.m, g, e, 2).indices, ElementsAre(0u, 2u));
  // Outside a near-tie the far geometry gets no preference over a lower energy.
  e = {0.0, 0.50, 0.70, 0.9};
  EXPECT_THAT(select_for_dft(f.m, g, e, 2).indices, ElementsAre(0u, 1u));
}

TEST(ConformerSelection, CapAtLeastTheCountKeepsAll) {
  Fixture f;
  std::vector<Geometry> g = {f.variant(0, 0), f.variant(1, 1), f.variant(0.5, 2)};
  std::vector<double> e = {2.0, 0.0, 1.0};
  for (size_t cap : {3u, 8u}) {
    Selection s = select_for_dft(f.m, g, e, cap);
    EXPECT_THAT(s.indices, ElementsAre(1u, 2u, 0u));
    EXPECT_EQ(s.left_out_weight, 0.0);
  }
}

TEST(ConformerSelection, RejectsZeroCapAndMismatchedSizes) {
  Fixture f;
  std::vector<Geometry> g = {f.variant(0, 0), f.variant(1, 1)};
  EXPECT_THROW(select_for_dft(f.m, g, {0.0, 1.0}, 0), ChemError);
  EXPECT_THROW(select_for_dft(f.m, g, {0.0}, 1), ChemError);
  EXPECT_THROW(select_for_dft(f.m, g, {0.0, NAN}, 1), ChemError);
}

}  // namespace
}  // namespace qmnmr::chem
