// load_molecule: SMILES/XYZ/SDF parsing, hydrogens, charge and multiplicity
// rules, element and size limits, starting geometry.
#include "chem/molecule.h"

#include <GraphMol/GraphMol.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "chem/error.h"
#include "support/molecules.h"

namespace qmnmr::chem {
namespace {

using ::testing::HasSubstr;

std::string read_data(const std::string& rel) { return qmnmr::testing::test_data(rel); }

MoleculeInput smiles(std::string s) {
  MoleculeInput in;
  in.format = MoleculeInput::Format::smiles;
  in.text = std::move(s);
  return in;
}

std::string error_of(const MoleculeInput& in, const LoadOptions& opt = {}) {
  try {
    load_molecule(in, opt);
  } catch (const ChemError& e) {
    return e.what();
  }
  return "no error";
}

double distance(const Atom& a, const Atom& b) {
  return std::sqrt((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) +
                   (a.z - b.z) * (a.z - b.z));
}

TEST(LoadMolecule, EthanolFromSmilesHasHydrogensAndGeometry) {
  auto in = smiles("CCO");
  in.name = "ethanol";
  Molecule m = load_molecule(in);
  ASSERT_EQ(m.atom_count(), 9u);
  EXPECT_EQ(m.heavy_atom_count(), 3u);
  EXPECT_EQ(m.rdkit->getNumAtoms(), 9u);
  EXPECT_EQ(m.charge, 0);
  EXPECT_EQ(m.multiplicity, 1);
  EXPECT_EQ(m.electron_count(), 26);
  EXPECT_EQ(m.canonical_smiles, "CCO");
  EXPECT_EQ(m.name, "ethanol");
  ASSERT_EQ(m.geometry.atoms.size(), 9u);
  for (size_t i = 0; i < 9; ++i) EXPECT_EQ(m.geometry.atoms[i].symbol, m.symbols[i]);
  EXPECT_EQ(m.symbols[0], "C");
  EXPECT_EQ(m.symbols[2], "O");
  // A real 3D structure: C-C about 1.51 A, C-O about 1.42 A.
  EXPECT_NEAR(distance(m.geometry.atoms[0], m.geometry.atoms[1]), 1.51, 0.05);
  EXPECT_NEAR(distance(m.geometry.atoms[1], m.geometry.atoms[2]), 1.42, 0.05);
}

TEST(LoadMolecule, StartingGeometryIsReproducible) {
  Molecule a = load_molecule(smiles("CCCCO"));
  Molecule b = load_molecule(smiles("CCCCO"));
  EXPECT_EQ(to_xyz(a.geometry), to_xyz(b.geometry));
}

TEST(LoadMolecule, InvalidSmilesNamesTheStringAndAnExample) {
  std::string err = error_of(smiles("C1CC"));
  EXPECT_THAT(err, HasSubstr("invalid SMILES 'C1CC'"));
  EXPECT_THAT(err, HasSubstr("ethanol is CCO"));
  // RDKit's reason is kept (unclosed ring).
  EXPECT_THAT(err, HasSubstr("ring"));
  EXPECT_THAT(error_of(smiles("C(C)(C)(C)(C)C")), HasSubstr("invalid SMILES"));  // valence
  EXPECT_THAT(error_of(smiles("   ")), HasSubstr("empty SMILES"));
}

TEST(LoadMolecule, ChargeFromSmilesAndConflicts) {
  EXPECT_EQ(load_molecule(smiles("C[NH3+]")).charge, 1);
  EXPECT_EQ(load_molecule(smiles("CC(=O)[O-]")).charge, -1);
  auto in = smiles("C[NH3+]");
  in.charge = 1;
  EXPECT_EQ(load_molecule(in).charge, 1);
  in.charge = 0;
  std::string err = error_of(in);
  EXPECT_THAT(err, HasSubstr("charge 0 disagrees"));
  EXPECT_THAT(err, HasSubstr("sum to 1"));
}

TEST(LoadMolecule, MultiplicityRules) {
  EXPECT_EQ(load_molecule(smiles("[CH3]")).multiplicity, 2);
  auto in = smiles("O=O");
  in.multiplicity = 3;
  EXPECT_EQ(load_molecule(in).multiplicity, 3);
  in = smiles("C");  // methane: 10 electrons
  in.multiplicity = 2;
  EXPECT_THAT(error_of(in), HasSubstr("multiplicity 2 is impossible for 10 electrons"));
  in.multiplicity = 0;
  EXPECT_THAT(error_of(in), HasSubstr("must be 1 or more"));
  in.multiplicity = -1;
  EXPECT_THAT(error_of(in), HasSubstr("multiplicity -1 is invalid"));
}

TEST(LoadMolecule, ElementsOutsideTheBasisAreRefused) {
  LoadOptions opt;
  opt.allowed_elements = {"H", "C", "N", "O"};
  opt.basis_description = "6-31G*";
  EXPECT_NO_THROW(load_molecule(smiles("CCO"), opt));
  std::string err = error_of(smiles("BrCCI"), opt);
  EXPECT_THAT(err, HasSubstr("Br, I"));
  EXPECT_THAT(err, HasSubstr("6-31G*"));
}

TEST(LoadMolecule, TooManyHeavyAtomsNamesTheLimit) {
  LoadOptions opt;
  opt.max_heavy_atoms = 5;
  EXPECT_NO_THROW(load_molecule(smiles("CCCCC"), opt));
  std::string err = error_of(smiles("CCCCCC"), opt);
  EXPECT_THAT(err, HasSubstr("6 heavy atoms"));
  EXPECT_THAT(err, HasSubstr("limit of 5"));
  // The default admits what chemists bring (15-40 heavy atoms): 40 here.
  EXPECT_NO_THROW(load_molecule(smiles("CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC")));
}

TEST(LoadMolecule, XyzKeepsCoordinatesAndInfersMultiplicity) {
  MoleculeInput in;
  in.format = MoleculeInput::Format::xyz;
  in.text = read_data("molecules/ethanol.xyz");
  Molecule m = load_molecule(in);
  Geometry file = parse_xyz(in.text);
  ASSERT_EQ(m.atom_count(), 9u);
  EXPECT_TRUE(m.bond_orders_known);        // perceived: all single, no charges
  EXPECT_EQ(m.canonical_smiles, "CCO");
  EXPECT_EQ(m.rdkit->getNumBonds(), 8u);  // connectivity from covalent radii
  EXPECT_EQ(m.charge, 0);
  EXPECT_EQ(m.multiplicity, 1);
  for (size_t i = 0; i < 9; ++i) {
    EXPECT_EQ(m.geometry.atoms[i].symbol, file.atoms[i].symbol);
    EXPECT_DOUBLE_EQ(m.geometry.atoms[i].x, file.atoms[i].x);
    EXPECT_DOUBLE_EQ(m.geometry.atoms[i].z, file.atoms[i].z);
  }
  in.charge = 1;  // 25 electrons: a doublet by parity
  Molecule cation = load_molecule(in);
  EXPECT_EQ(cation.charge, 1);
  EXPECT_EQ(cation.multiplicity, 2);
  EXPECT_FALSE(cation.bond_orders_known);  // a radical cation: no closed-shell assignment
  in.multiplicity = 1;
  EXPECT_THAT(error_of(in), HasSubstr("impossible for 25 electrons"));
}

TEST(LoadMolecule, SdfAddsMissingHydrogensWithCoordinates) {
  MoleculeInput in;
  in.format = MoleculeInput::Format::sdf;
  in.text = read_data("molecules/acetic_acid_noH.mol");
  Molecule m = load_molecule(in);
  ASSERT_EQ(m.atom_count(), 8u);  // C2H4O2
  EXPECT_EQ(m.canonical_smiles, "CC(=O)O");
  EXPECT_DOUBLE_EQ(m.geometry.atoms[1].x, 1.42);  // file coordinates kept
  for (size_t i = 4; i < 8; ++i) {
    EXPECT_EQ(m.symbols[i], "H");
    double nearest = 1e9;
    for (size_t j = 0; j < 4; ++j)
      nearest = std::min(nearest, distance(m.geometry.atoms[i], m.geometry.atoms[j]));
    EXPECT_LT(nearest, 1.2) << "hydrogen " << i << " placed far from every heavy atom";
  }
}

TEST(LoadMolecule, EmptyAndBrokenFilesAreClearErrors) {
  MoleculeInput in;
  in.format = MoleculeInput::Format::sdf;
  in.text = "";
  EXPECT_THAT(error_of(in), HasSubstr("empty SDF"));
  in.text = "not a molfile\n\n\nnonsense\n";
  EXPECT_THAT(error_of(in), HasSubstr("invalid SDF/MOL"));
  in.format = MoleculeInput::Format::xyz;
  in.text = "2\n\nC 0 0 0\n";
  EXPECT_THAT(error_of(in), HasSubstr("xyz"));
}

}  // namespace
}  // namespace qmnmr::chem

namespace qmnmr::chem {
namespace {

// Input far beyond any molecule qmnmr computes is refused before RDKit walks it
// (its SMILES writer recurses once per atom of a chain; bond perception from
// XYZ is quadratic), and RDKit's own exceptions become ChemErrors.
TEST(MoleculeLimits, HugeInputIsRefusedBeforeRDKitWalksIt) {
  EXPECT_THAT(error_of(smiles(std::string(200000, 'C'))),
              HasSubstr("the SMILES has 200000 characters, more than qmnmr reads (4096)"));
  EXPECT_THAT(error_of(smiles(std::string(1200, 'C'))),
              HasSubstr("the SMILES input has 1200 atoms, more than qmnmr reads (1000)"));
  MoleculeInput xyz;
  xyz.format = MoleculeInput::Format::xyz;
  xyz.text = "1001\nmany\n";
  for (int i = 0; i < 1001; ++i) xyz.text += "He " + std::to_string(3 * i) + " 0 0\n";
  EXPECT_THAT(error_of(xyz), HasSubstr("the XYZ input has 1001 atoms"));
  xyz.text = std::string(2 << 20, ' ');
  EXPECT_THAT(error_of(xyz), HasSubstr("more than qmnmr reads (1048576)"));
  // The atom count that wrapped around size_t in parse_xyz (tests/fuzz/regressions/xyz/).
  xyz.text = "18446744073709551615\nwrap\nH 0 0 0\n";
  EXPECT_THAT(error_of(xyz), HasSubstr("the header says 18446744073709551615 atoms"));
}

TEST(MoleculeLimits, AChecksLoadCanLeaveTheGeometryOut) {
  LoadOptions check;
  check.embed = false;
  auto m = load_molecule(smiles("CCO"), check);
  EXPECT_EQ(m.canonical_smiles, "CCO");
  EXPECT_EQ(m.atom_count(), 9u);
  EXPECT_TRUE(m.geometry.atoms.empty()) << "no ETKDG run for a check";
  EXPECT_EQ(load_molecule(smiles("CCO")).geometry.atoms.size(), 9u);
}

}  // namespace
}  // namespace qmnmr::chem
