// generate_conformers: ETKDGv3 + MMFF94, pruning, energy order, determinism.
#include "chem/conformers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "chem/clustering.h"
#include "chem/error.h"
#include "support/molecules.h"

namespace qmnmr::chem {
namespace {

using qmnmr::testing::molecule_from_smiles;


std::string all_xyz(const std::vector<Conformer>& cs) {
  std::string out;
  for (const auto& c : cs) out += to_xyz(c.geometry) + std::to_string(c.mmff_energy_kcal) + "\n";
  return out;
}

TEST(RotatableBonds, CountsByRdkitDefinition) {
  EXPECT_EQ(rotatable_bond_count(molecule_from_smiles("CCO")), 0);
  EXPECT_EQ(rotatable_bond_count(molecule_from_smiles("CCCC")), 1);
  EXPECT_EQ(rotatable_bond_count(molecule_from_smiles("CCCCCCCCCCCCO")), 10);
}

TEST(Conformers, EthanolSortedPrunedAndTimed) {
  Molecule m = molecule_from_smiles("CCO");
  auto start = std::chrono::steady_clock::now();
  auto confs = generate_conformers(m);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RecordProperty("seconds", std::to_string(seconds));
  std::printf("ethanol: %zu conformers in %.3f s\n", confs.size(), seconds);
  ASSERT_FALSE(confs.empty());
  EXPECT_LE(confs.size(), 3u);  // OH rotamers: trans and the two gauche at most
  RmsdCalculator rmsd(m);
  for (size_t i = 0; i < confs.size(); ++i) {
    EXPECT_EQ(confs[i].geometry.atoms.size(), 9u);
    EXPECT_EQ(confs[i].geometry.atoms[2].symbol, "O");
    if (i > 0) {
      EXPECT_LE(confs[i - 1].mmff_energy_kcal, confs[i].mmff_energy_kcal);
    }
    for (size_t j = 0; j < i; ++j) EXPECT_GE(rmsd(confs[j].geometry, confs[i].geometry), 0.5);
  }
}

TEST(Conformers, SameInputSameOutput) {
  Molecule m = molecule_from_smiles("CCCCO");
  auto a = generate_conformers(m);
  auto b = generate_conformers(molecule_from_smiles("CCCCO"));
  ASSERT_GT(a.size(), 1u);
  EXPECT_EQ(all_xyz(a), all_xyz(b));
  ConformerOptions two_threads;
  two_threads.threads = 2;
  EXPECT_EQ(all_xyz(a), all_xyz(generate_conformers(m, two_threads)));
  ConformerOptions other;
  other.seed = 7;
  EXPECT_NE(all_xyz(a), all_xyz(generate_conformers(m, other)));
}

TEST(Conformers, EmbedCountFollowsRotatableBonds) {
  EXPECT_EQ(embed_count(molecule_from_smiles("CCCC"), {}), 50);
  EXPECT_EQ(embed_count(molecule_from_smiles("CCCCCCCCCCCCO"), {}), 200);
  ConformerOptions fixed;
  fixed.count = 7;
  EXPECT_EQ(embed_count(molecule_from_smiles("CCCCCCCCCCCCO"), fixed), 7);
}

TEST(Conformers, FlexibleMoleculeTimed) {
  Molecule m = molecule_from_smiles("CCCCCCCCCCCCO");  // dodecan-1-ol, 10 rotatable bonds
  auto start = std::chrono::steady_clock::now();
  auto confs = generate_conformers(m);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RecordProperty("seconds", std::to_string(seconds));
  std::printf("dodecanol: %zu conformers in %.3f s\n", confs.size(), seconds);
  EXPECT_GT(confs.size(), 10u);
  for (size_t i = 1; i < confs.size(); ++i)
    EXPECT_LE(confs[i - 1].mmff_energy_kcal, confs[i].mmff_energy_kcal);
}

TEST(Conformers, XyzInputWithPerceivedBondOrdersIsSearched) {
  Molecule m = qmnmr::testing::molecule_from_xyz_data("molecules/ethanol.xyz");
  ASSERT_TRUE(m.bond_orders_known);
  ConformerOptions options;
  options.count = 5;
  auto confs = generate_conformers(m, options);
  ASSERT_FALSE(confs.empty());
  check_geometry_matches(m, confs[0].geometry);  // the XYZ file's atom order
}

TEST(Conformers, XyzInputWithoutBondOrdersIsRefusedWithTheFix) {
  MoleculeInput in;
  in.format = MoleculeInput::Format::xyz;
  in.text = qmnmr::testing::test_data("molecules/ethanol.xyz");
  in.charge = 1;  // a radical cation: no closed-shell bond orders
  Molecule m = load_molecule(in);
  ASSERT_FALSE(m.bond_orders_known);
  try {
    generate_conformers(m);
    FAIL() << "expected a ChemError";
  } catch (const ChemError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("'single'"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("--charge"));
  }
}

}  // namespace
}  // namespace qmnmr::chem
