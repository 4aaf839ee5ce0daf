// Symmetry-aware RMSD, duplicate removal and Butina selection.
#include "chem/clustering.h"

#include <gtest/gtest.h>

#include <cmath>

#include "chem/conformers.h"
#include "chem/error.h"
#include "support/molecules.h"

namespace qmnmr::chem {
namespace {

using qmnmr::testing::molecule_from_smiles;


// Rotates about z by `angle` and translates: a rigid motion.
Geometry moved(Geometry g, double angle, double dx) {
  for (auto& a : g.atoms) {
    double x = a.x * std::cos(angle) - a.y * std::sin(angle);
    double y = a.x * std::sin(angle) + a.y * std::cos(angle);
    a.x = x + dx, a.y = y - 2 * dx, a.z += 0.5 * dx;
  }
  return g;
}

double plain_rmsd(const Geometry& a, const Geometry& b) {
  double s = 0;
  for (size_t i = 0; i < a.atoms.size(); ++i) {
    double dx = a.atoms[i].x - b.atoms[i].x, dy = a.atoms[i].y - b.atoms[i].y,
           dz = a.atoms[i].z - b.atoms[i].z;
    s += dx * dx + dy * dy + dz * dz;
  }
  return std::sqrt(s / a.atoms.size());
}

void swap_positions(Geometry& g, size_t i, size_t j) {
  std::swap(g.atoms[i].x, g.atoms[j].x);
  std::swap(g.atoms[i].y, g.atoms[j].y);
  std::swap(g.atoms[i].z, g.atoms[j].z);
}

TEST(BestRmsd, RigidMotionGivesZero) {
  Molecule m = molecule_from_smiles("CCO");
  Geometry b = moved(m.geometry, 0.7, 3.0);
  EXPECT_GT(plain_rmsd(m.geometry, b), 1.0);
  EXPECT_NEAR(best_rmsd(m, m.geometry, b), 0.0, 1e-6);
}

TEST(BestRmsd, PermutedMethylHydrogensAreTheSameGeometry) {
  Molecule m = molecule_from_smiles("CCO");  // atoms 3,4,5 are the methyl hydrogens
  Geometry b = m.geometry;
  swap_positions(b, 3, 4);
  b = moved(b, -1.1, 0.4);
  EXPECT_GT(plain_rmsd(m.geometry, b), 0.5);
  EXPECT_NEAR(best_rmsd(m, m.geometry, b), 0.0, 1e-6);
}

TEST(BestRmsd, BenzeneRingRotationOfLabelsIsTheSameGeometry) {
  Molecule m = molecule_from_smiles("c1ccccc1");  // C0..C5, H6..H11 with H(6+k) on C(k)
  Geometry b = m.geometry;
  for (size_t k = 0; k < 6; ++k) {
    b.atoms[k] = m.geometry.atoms[(k + 1) % 6];
    b.atoms[6 + k] = m.geometry.atoms[6 + (k + 1) % 6];
  }
  EXPECT_GT(plain_rmsd(m.geometry, b), 1.0);
  EXPECT_NEAR(best_rmsd(m, m.geometry, b), 0.0, 1e-6);
}

TEST(BestRmsd, DifferentConformersAreApart) {
  Molecule m = molecule_from_smiles("CCCC");
  auto confs = generate_conformers(m);
  ASSERT_GE(confs.size(), 2u);  // anti and gauche
  EXPECT_GT(best_rmsd(m, confs[0].geometry, confs[1].geometry), 0.5);
}

TEST(BestRmsd, RefusesGeometriesOfAnotherMolecule) {
  Molecule m = molecule_from_smiles("CCO");
  Molecule other = molecule_from_smiles("CCC");
  EXPECT_THROW(best_rmsd(m, m.geometry, other.geometry), ChemError);
}

TEST(Deduplicate, KeepsLowestEnergyOfEachGroup) {
  Molecule m = molecule_from_smiles("CCCC");
  auto confs = generate_conformers(m);
  ASSERT_GE(confs.size(), 2u);
  std::vector<Geometry> g = {moved(confs[0].geometry, 0.3, 1.0), confs[1].geometry,
                             confs[0].geometry};
  std::vector<double> e = {confs[0].mmff_energy_kcal + 0.05, confs[1].mmff_energy_kcal,
                           confs[0].mmff_energy_kcal};
  auto kept = deduplicate(m, g, e, 0.25, 1.0);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0], 2u);  // the lower-energy copy of the anti conformer
  EXPECT_EQ(kept[1], 1u);
  // Same geometry but energies further apart than the threshold: both stay.
  EXPECT_EQ(deduplicate(m, g, e, 0.25, 0.01).size(), 3u);
  EXPECT_THROW(deduplicate(m, g, {1.0}, 0.25, 1.0), ChemError);
}

TEST(ButinaSelect, PicksLowestEnergyMemberOfLargestClusters) {
  Molecule m = molecule_from_smiles("CCCCCC");
  auto confs = generate_conformers(m);
  ASSERT_GE(confs.size(), 3u);
  std::vector<Geometry> g;
  std::vector<double> e;
  for (const auto& c : confs) g.push_back(c.geometry), e.push_back(c.mmff_energy_kcal);
  // Threshold 0: every conformer its own cluster; the lowest energies win.
  auto picked = butina_select(m, g, e, 0.0, 2);
  ASSERT_EQ(picked.size(), 2u);
  EXPECT_EQ(picked[0], 0u);  // conformers come sorted by energy
  EXPECT_EQ(picked[1], 1u);
  // A huge threshold: one cluster, its lowest-energy member.
  auto one = butina_select(m, g, e, 100.0, 8);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0], 0u);
  // The default threshold: at most max_count, no repeats, ascending energy.
  auto some = butina_select(m, g, e, 1.5, 3);
  ASSERT_FALSE(some.empty());
  EXPECT_LE(some.size(), 3u);
  for (size_t i = 1; i < some.size(); ++i) EXPECT_LE(e[some[i - 1]], e[some[i]]);
  // Representatives of different clusters are more than the threshold apart
  // from every other representative's cluster centroid only loosely; at least
  // they are distinct geometries.
  for (size_t i = 0; i < some.size(); ++i)
    for (size_t j = i + 1; j < some.size(); ++j)
      EXPECT_GT(best_rmsd(m, g[some[i]], g[some[j]]), 0.1);
}

TEST(MirrorImages, AConformersMirrorImageIsFoundWhateverItsOrientation) {
  Molecule m = molecule_from_smiles("CCCCO");
  auto confs = generate_conformers(m);
  // A chiral (gauche) conformer: its mirror image cannot be rotated onto it.
  const Geometry* g = nullptr;
  for (const auto& c : confs)
    if (!g && best_rmsd(m, c.geometry, mirror_image(c.geometry)) > 0.3) g = &c.geometry;
  ASSERT_NE(g, nullptr) << "butan-1-ol has gauche conformers";
  const Geometry* other = nullptr;
  for (const auto& c : confs)
    if (!other && &c.geometry != g && best_rmsd(m, c.geometry, *g) > 0.3 &&
        best_rmsd(m, c.geometry, mirror_image(*g)) > 0.3)
      other = &c.geometry;
  ASSERT_NE(other, nullptr);
  const Geometry twin = moved(mirror_image(*g), 0.7, 1.5);
  std::vector<Geometry> geoms{twin, *other, *g};
  auto pairs = mirror_image_pairs(m, geoms, {0.01, 0.4, 0.0}, 0.1, 0.05);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0], (std::pair<size_t, size_t>{2, 0})) << "the lower energy is computed";
  // Energies that differ are not a mirror pair, whatever the geometry says.
  EXPECT_TRUE(mirror_image_pairs(m, geoms, {0.5, 0.4, 0.0}, 0.1, 0.05).empty());
  // Nor are two conformers that are not mirror images.
  EXPECT_TRUE(mirror_image_pairs(m, {*g, *other}, {0.0, 0.0}, 0.1, 0.05).empty());
}

TEST(MirrorImages, AMoleculeWithAStereocentreSharesNothing) {
  Molecule m = molecule_from_smiles("C[C@H](O)CC");
  EXPECT_TRUE(has_stereo_labels(m));
  auto confs = generate_conformers(m);
  ASSERT_GE(confs.size(), 1u);
  const Geometry g = confs[0].geometry;
  EXPECT_TRUE(mirror_image_pairs(m, {g, mirror_image(g)}, {0.0, 0.0}, 0.1, 0.05).empty())
      << "the mirror image is the other enantiomer";
  EXPECT_FALSE(has_stereo_labels(molecule_from_smiles("CCCCO")));
  EXPECT_TRUE(has_stereo_labels(molecule_from_smiles("C/C=C/C")));
}

}  // namespace
}  // namespace qmnmr::chem
