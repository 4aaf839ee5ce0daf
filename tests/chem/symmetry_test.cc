// symmetry_classes: topological equivalence from canonical ranks without ties broken.
#include "chem/symmetry.h"
#include "support/molecules.h"

#include <gtest/gtest.h>

#include <set>

namespace qmnmr::chem {
namespace {

using qmnmr::testing::molecule_from_smiles;


// Indices of the hydrogens bonded to atom `heavy`.
std::vector<int> hydrogens_on(const Molecule& m, int heavy) {
  std::vector<int> out;
  const auto& g = m.geometry.atoms;
  for (size_t i = 0; i < g.size(); ++i) {
    if (g[i].symbol != "H") continue;
    double dx = g[i].x - g[heavy].x, dy = g[i].y - g[heavy].y, dz = g[i].z - g[heavy].z;
    if (dx * dx + dy * dy + dz * dz < 1.2 * 1.2) out.push_back(static_cast<int>(i));
  }
  return out;
}

TEST(SymmetryClasses, Ethanol) {
  Molecule m = molecule_from_smiles("CCO");
  auto cls = symmetry_classes(m);
  ASSERT_EQ(cls.size(), 9u);
  auto methyl = hydrogens_on(m, 0), ch2 = hydrogens_on(m, 1), oh = hydrogens_on(m, 2);
  ASSERT_EQ(methyl.size(), 3u);
  ASSERT_EQ(ch2.size(), 2u);
  ASSERT_EQ(oh.size(), 1u);
  EXPECT_EQ(cls[methyl[0]], cls[methyl[1]]);
  EXPECT_EQ(cls[methyl[0]], cls[methyl[2]]);
  EXPECT_EQ(cls[ch2[0]], cls[ch2[1]]);
  EXPECT_NE(cls[methyl[0]], cls[ch2[0]]);
  EXPECT_NE(cls[oh[0]], cls[ch2[0]]);
  EXPECT_NE(cls[oh[0]], cls[methyl[0]]);
  EXPECT_NE(cls[0], cls[1]);
  // Groups: C, C, O, CH3 hydrogens, CH2 hydrogens, OH hydrogen.
  EXPECT_EQ(symmetry_groups(cls).size(), 6u);
}

TEST(SymmetryClasses, BenzeneHasOneCarbonAndOneHydrogenClass) {
  Molecule m = molecule_from_smiles("c1ccccc1");
  auto cls = symmetry_classes(m);
  std::set<int> c, h;
  for (size_t i = 0; i < cls.size(); ++i) (m.symbols[i] == "H" ? h : c).insert(cls[i]);
  EXPECT_EQ(c.size(), 1u);
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(symmetry_groups(cls).size(), 2u);
  EXPECT_EQ(m.canonical_smiles, "c1ccccc1");
}

TEST(SymmetryClasses, TolueneOrthoAndMetaPairs) {
  // Atoms: 0 CH3, 1 ipso, 2 ortho, 3 meta, 4 para, 5 meta, 6 ortho.
  Molecule m = molecule_from_smiles("Cc1ccccc1");
  auto cls = symmetry_classes(m);
  EXPECT_EQ(cls[2], cls[6]);
  EXPECT_EQ(cls[3], cls[5]);
  EXPECT_NE(cls[2], cls[3]);
  EXPECT_NE(cls[4], cls[3]);
  auto ortho_a = hydrogens_on(m, 2), ortho_b = hydrogens_on(m, 6), para = hydrogens_on(m, 4);
  ASSERT_EQ(ortho_a.size(), 1u);
  ASSERT_EQ(ortho_b.size(), 1u);
  EXPECT_EQ(cls[ortho_a[0]], cls[ortho_b[0]]);
  EXPECT_NE(cls[ortho_a[0]], cls[para[0]]);
  // 5 carbon classes (CH3, ipso, ortho, meta, para) + 4 hydrogen classes.
  EXPECT_EQ(symmetry_groups(cls).size(), 9u);
}

TEST(SymmetryClasses, XyzInputGivesTheSameClassesAsSmiles) {
  Molecule m = qmnmr::testing::molecule_from_xyz_data("molecules/ethanol.xyz");
  auto groups = symmetry_groups(symmetry_classes(m));
  // File order: C C O H(CH3) x3, H(CH2) x2, H(O).
  std::vector<std::vector<int>> expected = {{0}, {1}, {2}, {3, 4, 5}, {6, 7}, {8}};
  EXPECT_EQ(groups, expected);
}

}  // namespace
}  // namespace qmnmr::chem
