// symmetry_classes: topological equivalence from canonical ranks without ties
// broken; nmr_equivalence_classes: the isotope substitution test.
#include "chem/symmetry.h"
#include "support/molecules.h"

#include <GraphMol/GraphMol.h>
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <set>

#include "chem/conformers.h"
#include "chem/reference_labelling.h"

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

// Hydrogens bonded to atom `heavy`, from the bond graph.
std::vector<int> h_of(const Molecule& m, int heavy) {
  std::vector<int> out;
  for (const auto* nb : m.rdkit->atomNeighbors(m.rdkit->getAtomWithIdx(heavy)))
    if (nb->getAtomicNum() == 1) out.push_back(static_cast<int>(nb->getIdx()));
  return out;
}

size_t distinct(const std::vector<int>& cls, const std::vector<int>& atoms) {
  std::set<int> s;
  for (int a : atoms) s.insert(cls[a]);
  return s.size();
}

TEST(NmrEquivalence, EnantiotopicAndHomotopicProtonsShareAClass) {
  Molecule ethanol = molecule_from_smiles("CCO");
  auto cls = nmr_equivalence_classes(ethanol);
  EXPECT_EQ(distinct(cls, h_of(ethanol, 1)), 1u);  // CH2: enantiotopic
  EXPECT_EQ(distinct(cls, h_of(ethanol, 0)), 1u);  // CH3
  EXPECT_EQ(symmetry_groups(cls).size(), 6u);
  Molecule propane = molecule_from_smiles("CCC");
  auto p = nmr_equivalence_classes(propane);
  EXPECT_EQ(distinct(p, h_of(propane, 1)), 1u);  // CH2: homotopic
  EXPECT_EQ(p[0], p[2]);
  auto all_h = h_of(propane, 0);
  for (int h : h_of(propane, 2)) all_h.push_back(h);
  EXPECT_EQ(distinct(p, all_h), 1u);
}

TEST(NmrEquivalence, CH2NextToAStereocentreSplits) {
  // Butan-2-ol: the C3 protons are diastereotopic.
  Molecule m = molecule_from_smiles("C[C@H](O)CC");
  auto cls = nmr_equivalence_classes(m);
  auto ch2 = h_of(m, 3);
  ASSERT_EQ(ch2.size(), 2u);
  EXPECT_NE(cls[ch2[0]], cls[ch2[1]]);
  EXPECT_EQ(distinct(cls, h_of(m, 0)), 1u);
  EXPECT_EQ(distinct(cls, h_of(m, 4)), 1u);
}

TEST(NmrEquivalence, MentholIsopropylMethylsSplitButEachMethylIsOne) {
  // Atoms 0 and 2 are the isopropyl methyls.
  Molecule m = molecule_from_smiles("CC(C)[C@@H]1CC[C@@H](C)C[C@H]1O");
  auto topo = symmetry_classes(m);
  EXPECT_EQ(topo[0], topo[2]);
  auto cls = nmr_equivalence_classes(m);
  EXPECT_NE(cls[0], cls[2]);
  auto a = h_of(m, 0), b = h_of(m, 2);
  EXPECT_EQ(distinct(cls, a), 1u);
  EXPECT_EQ(distinct(cls, b), 1u);
  EXPECT_NE(cls[a[0]], cls[b[0]]);
  // Every ring CH2 has two different protons.
  for (int c : {4, 5, 8}) EXPECT_EQ(distinct(cls, h_of(m, c)), 2u) << "C" << c + 1;
}

TEST(NmrEquivalence, TolueneAndCyclohexane) {
  Molecule t = molecule_from_smiles("Cc1ccccc1");
  auto cls = nmr_equivalence_classes(t);
  EXPECT_EQ(cls[2], cls[6]);
  EXPECT_EQ(cls[3], cls[5]);
  EXPECT_EQ(cls[h_of(t, 2)[0]], cls[h_of(t, 6)[0]]);
  EXPECT_EQ(cls[h_of(t, 3)[0]], cls[h_of(t, 5)[0]]);
  EXPECT_EQ(symmetry_groups(cls).size(), 9u);
  Molecule c = molecule_from_smiles("C1CCCCC1");
  EXPECT_EQ(symmetry_groups(nmr_equivalence_classes(c)).size(), 2u);
}

TEST(NmrEquivalence, CyclohexanolRingProtonsCisAndTransToOHSplit) {
  // Atoms: 0 O, 1 C1, 2 C2, 3 C3, 4 C4, 5 C3', 6 C2'.
  Molecule m = molecule_from_smiles("OC1CCCCC1");
  auto cls = nmr_equivalence_classes(m);
  for (int c : {2, 3, 4}) EXPECT_EQ(distinct(cls, h_of(m, c)), 2u) << "C" << c;
  EXPECT_EQ(cls[2], cls[6]);
  EXPECT_EQ(cls[3], cls[5]);
  // C2 and C2' protons: two classes across the four (the mirror plane pairs them).
  auto c2 = h_of(m, 2);
  for (int h : h_of(m, 6)) c2.push_back(h);
  EXPECT_EQ(distinct(cls, c2), 2u);
}

TEST(NmrEquivalence, MesoCarbonsAreEnantiotopic) {
  // (2R,3S): the mirror plane swaps C2 and C3.
  Molecule meso = molecule_from_smiles("C[C@@H](F)[C@@H](F)C");
  auto cls = nmr_equivalence_classes(meso);
  EXPECT_EQ(cls[1], cls[3]);
  EXPECT_EQ(cls[0], cls[5]);
  // (2R,3R): the C2 axis swaps them.
  Molecule chiral = molecule_from_smiles("C[C@@H](F)[C@H](F)C");
  auto c2 = nmr_equivalence_classes(chiral);
  EXPECT_EQ(c2[1], c2[3]);
}

TEST(NmrEquivalence, DoesNotDependOnTheConformer) {
  for (const char* smiles :
       {"C[C@H](O)CC", "CC(C)[C@@H]1CC[C@@H](C)C[C@H]1O", "OC1CCCCC1", "CCC[NH3+]"}) {
    Molecule m = molecule_from_smiles(smiles);
    auto reference = nmr_equivalence_classes(m);
    ConformerOptions opt;
    opt.count = 8;
    auto conformers = generate_conformers(m, opt);
    ASSERT_GE(conformers.size(), 2u) << smiles;
    for (const auto& c : conformers) {
      Molecule other = m;
      // ETKDG places the two H of a CH2 either way round: the partition is
      // the same, and after relabelling so are the atoms of each class.
      other.geometry = c.geometry;
      auto as_is = nmr_equivalence_classes(other);
      std::multiset<size_t> sizes_ref, sizes;
      for (const auto& g : symmetry_groups(reference)) sizes_ref.insert(g.size());
      for (const auto& g : symmetry_groups(as_is)) sizes.insert(g.size());
      EXPECT_EQ(sizes, sizes_ref) << smiles;
      other.geometry = ReferenceLabelling(m).align(c.geometry).geometry;
      EXPECT_EQ(nmr_equivalence_classes(other), reference) << smiles;
      // Relabelling moves no atom to a new place: same set of positions.
      EXPECT_EQ(other.geometry.atoms.size(), c.geometry.atoms.size());
    }
  }
}

TEST(NmrEquivalence, AmmoniumHydrogensAreOneClass) {
  Molecule m = molecule_from_smiles("C[C@H]([NH3+])CC");
  auto cls = nmr_equivalence_classes(m);
  EXPECT_EQ(distinct(cls, h_of(m, 2)), 1u);
  EXPECT_EQ(distinct(cls, h_of(m, 0)), 1u);
}

TEST(NmrEquivalence, XyzInputGivesTheSameClassesAsSmiles) {
  Molecule m = qmnmr::testing::molecule_from_xyz_data("molecules/ethanol.xyz");
  std::vector<std::vector<int>> expected = {{0}, {1}, {2}, {3, 4, 5}, {6, 7}, {8}};
  EXPECT_EQ(symmetry_groups(nmr_equivalence_classes(m)), expected);
}

TEST(NmrEquivalence, AmideNMethylsAreDistinctEachOneClass) {
  // DMF CN(C)C=O and DMAc: the C-N bond does not rotate on the NMR time scale.
  for (const char* smiles : {"CN(C)C=O", "CN(C)C(C)=O", "CN(C)C(C)=S", "CN(C)N=O"}) {
    Molecule m = molecule_from_smiles(smiles);
    auto cls = nmr_equivalence_classes(m);
    EXPECT_NE(cls[0], cls[2]) << smiles;  // the two N-methyl carbons
    auto h0 = hydrogens_on(m, 0), h2 = hydrogens_on(m, 2);
    ASSERT_EQ(h0.size(), 3u);
    for (int h : h0) EXPECT_EQ(cls[h], cls[h0[0]]) << smiles;  // each methyl one class
    for (int h : h2) EXPECT_EQ(cls[h], cls[h2[0]]) << smiles;
    EXPECT_NE(cls[h0[0]], cls[h2[0]]) << smiles;
    for (size_t i = 0; i < cls.size(); ++i)  // ids are the lowest atom of their class
      EXPECT_LE(cls[i], static_cast<int>(i));
  }
  // Ureas and carbamates rotate fast enough to average; amines, and amides in a
  // ring, have nothing to split.
  struct Pair {
    const char* smiles;
    int a, b;  // the N-methyl carbons
  };
  for (auto [smiles, a, b] : {Pair{"CN(C)C(=O)N(C)C", 0, 2}, Pair{"COC(=O)N(C)C", 5, 6},
                              Pair{"CN(C)CC", 0, 2}}) {
    Molecule m = molecule_from_smiles(smiles);
    auto cls = nmr_equivalence_classes(m);
    EXPECT_EQ(cls[a], cls[b]) << smiles;
  }
}

TEST(NmrEquivalence, AmideMethylsKeepTheirSideInEveryConformer) {
  Molecule m = molecule_from_smiles("CN(C)C(C)=O");
  // The same conformer with the two N-methyl groups' coordinates exchanged
  // (as ETKDG may place them) is relabelled back.
  Geometry swapped = m.geometry;
  auto h0 = hydrogens_on(m, 0), h2 = hydrogens_on(m, 2);
  std::swap(swapped.atoms[0], swapped.atoms[2]);
  for (size_t k = 0; k < 3; ++k) std::swap(swapped.atoms[h0[k]], swapped.atoms[h2[k]]);
  const ReferenceLabelling labelling(m);
  auto aligned = labelling.align(swapped).geometry;
  for (int a : {0, 2}) {
    EXPECT_NEAR(aligned.atoms[a].x, m.geometry.atoms[a].x, 1e-9);
    EXPECT_NEAR(aligned.atoms[a].y, m.geometry.atoms[a].y, 1e-9);
  }
  auto same = labelling.align(m.geometry).geometry;
  EXPECT_NEAR(same.atoms[0].z, m.geometry.atoms[0].z, 1e-12);
}

TEST(NmrEquivalence, TakesWellUnderASecondFor25HeavyAtoms) {
  // Testosterone propionate, C22H32O3: 25 heavy atoms, 57 atoms.
  Molecule m = molecule_from_smiles(
      "CCC(=O)O[C@H]1CC[C@H]2[C@@H]3CCC4=CC(=O)CC[C@]4(C)[C@H]3CC[C@]12C");
  ASSERT_EQ(m.heavy_atom_count(), 25u);
  auto start = std::chrono::steady_clock::now();
  auto cls = nmr_equivalence_classes(m);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "nmr_equivalence_classes, 25 heavy atoms (" << m.atom_count()
            << " atoms): " << seconds * 1000 << " ms, " << symmetry_groups(cls).size()
            << " classes\n";
  EXPECT_LT(seconds, 5.0);  // generous for a loaded machine; measured figure printed above
}

}  // namespace
}  // namespace qmnmr::chem
