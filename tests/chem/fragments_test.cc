// Tests for keeping the one molecule of a salt or solvate, through load_molecule.
#include "chem/fragments.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "chem/error.h"
#include "support/molecules.h"

namespace qmnmr::chem {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::molecule_from_smiles;

TEST(Fragments, HydrochlorideKeepsTheAmineAndSaysHowToWriteTheSalt) {
  // Sertraline hydrochloride as PubChem writes it.
  auto m = molecule_from_smiles("CN[C@H]1CC[C@@H](c2ccc(Cl)c(Cl)c2)c2ccccc21.Cl");
  EXPECT_EQ(m.canonical_smiles, "CN[C@H]1CC[C@@H](c2ccc(Cl)c(Cl)c2)c2ccccc21");
  EXPECT_EQ(m.charge, 0);
  EXPECT_EQ(m.heavy_atom_count(), 20u);
  ASSERT_EQ(m.input_notes.size(), 1u);
  EXPECT_THAT(m.input_notes[0], HasSubstr("removed Cl"));
  EXPECT_THAT(m.input_notes[0], HasSubstr("write the protonated form"));
}

TEST(Fragments, IonPairKeepsTheChargedOrganicIon) {
  auto ammonium = molecule_from_smiles("C[NH3+].[Cl-]");
  EXPECT_EQ(ammonium.canonical_smiles, "C[NH3+]");
  EXPECT_EQ(ammonium.charge, 1);
  ASSERT_EQ(ammonium.input_notes.size(), 1u);
  EXPECT_THAT(ammonium.input_notes[0], Not(HasSubstr("protonated form")));
  auto benzoate = molecule_from_smiles("[K+].[O-]C(=O)c1ccccc1");
  EXPECT_EQ(benzoate.charge, -1);
  EXPECT_EQ(benzoate.heavy_atom_count(), 9u);
}

TEST(Fragments, SolvateAndRepeatsKeepOneMolecule) {
  EXPECT_EQ(molecule_from_smiles("CCO.O").canonical_smiles, "CCO");
  auto dimer = molecule_from_smiles("CC(=O)O.CC(=O)O");
  EXPECT_EQ(dimer.canonical_smiles, "CC(=O)O");
  ASSERT_EQ(dimer.input_notes.size(), 1u);
  EXPECT_THAT(dimer.input_notes[0], HasSubstr("removed CC(=O)O"));
  EXPECT_TRUE(molecule_from_smiles("CCO").input_notes.empty());
}

TEST(Fragments, TwoDifferentMoleculesAreRefusedByName) {
  // Nicotine tartrate: tartaric acid is not on RDKit's list.
  MoleculeInput in;
  in.text = "CN1CCC[C@H]1c1cccnc1.OC(=O)[C@H](O)[C@@H](O)C(=O)O";
  try {
    load_molecule(in);
    FAIL() << "two molecules were accepted";
  } catch (const ChemError& e) {
    EXPECT_THAT(e.what(), HasSubstr("2 different molecules"));
    EXPECT_THAT(e.what(), HasSubstr("CN1CCC[C@H]1c1cccnc1"));
    EXPECT_THAT(e.what(), HasSubstr("give only the one"));
  }
}

}  // namespace
}  // namespace qmnmr::chem
