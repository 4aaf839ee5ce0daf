// NMReDATA writer: RDKit reads the record back with every tag; symmetry groups
// become one signal; a hostile name cannot break the SDF.
#include "chem/nmredata.h"

#include <GraphMol/FileParsers/MolSupplier.h>
#include <GraphMol/GraphMol.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "chem/error.h"
#include "chem/solvents.h"
#include "chem/symmetry.h"

namespace qmnmr::chem {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Fixture {
  Molecule m;
  NmredataInput in;
};

// Ethanol from SMILES: 1 C(H3), 2 C(H2), 3 O, 4-6 methyl H, 7-8 CH2 H, 9 OH.
Fixture ethanol(std::string name) {
  MoleculeInput mi;
  mi.text = "CCO";
  mi.name = std::move(name);
  Fixture f{load_molecule(mi), {}};
  f.in.solvent = std::string(find_solvent("chcl3").nmr_name);
  f.in.symmetry_classes = symmetry_classes(f.m);
  f.in.c13 = {{1, 18.1}, {2, 58.3}};
  f.in.h1 = {{4, 1.20}, {5, 1.24}, {6, 1.22}, {7, 3.70}, {8, 3.72}, {9, 1.50}};
  return f;
}

std::vector<std::unique_ptr<RDKit::ROMol>> read_back(const std::string& sdf) {
  RDKit::SDMolSupplier supplier;
  supplier.setData(sdf, /*sanitize=*/true, /*removeHs=*/false);
  std::vector<std::unique_ptr<RDKit::ROMol>> mols;
  while (!supplier.atEnd()) {
    std::unique_ptr<RDKit::ROMol> mol(supplier.next());
    if (mol) mols.push_back(std::move(mol));
  }
  return mols;
}

TEST(Nmredata, RdkitReadsTheRecordWithAllTags) {
  auto f = ethanol("ethanol");
  std::string sdf = nmredata_sdf(f.m, f.m.geometry, f.in);
  auto mols = read_back(sdf);
  ASSERT_EQ(mols.size(), 1u);
  const auto& mol = *mols[0];
  EXPECT_EQ(mol.getNumAtoms(), 9u);
  EXPECT_EQ(mol.getProp<std::string>("_Name"), "ethanol");
  for (const char* tag : {"NMREDATA_VERSION", "NMREDATA_LEVEL", "NMREDATA_SOLVENT",
                          "NMREDATA_TEMPERATURE", "NMREDATA_ASSIGNMENT", "NMREDATA_1D_1H",
                          "NMREDATA_1D_13C"})
    EXPECT_TRUE(mol.hasProp(tag)) << tag;
  EXPECT_THAT(mol.getProp<std::string>("NMREDATA_VERSION"), HasSubstr("1.1"));
  EXPECT_THAT(mol.getProp<std::string>("NMREDATA_TEMPERATURE"), HasSubstr("298.15"));
  EXPECT_THAT(mol.getProp<std::string>("NMREDATA_SOLVENT"), HasSubstr("CDCl3"));
  // Geometry is the one given (atom 2 = C, x kept to 4 decimals).
  EXPECT_NEAR(mol.getConformer().getAtomPos(1).x, f.m.geometry.atoms[1].x, 1e-4);
}

TEST(Nmredata, EquivalentAtomsFormOneSignal) {
  auto f = ethanol("ethanol");
  std::string sdf = nmredata_sdf(f.m, f.m.geometry, f.in);
  // Methyl H: one assignment line with atoms 4, 5, 6 and the mean shift.
  EXPECT_THAT(sdf, HasSubstr("H4, 1.2200, 4, 5, 6\\\n"));
  EXPECT_THAT(sdf, HasSubstr("H7, 3.7100, 7, 8\\\n"));
  EXPECT_THAT(sdf, HasSubstr("H9, 1.5000, 9\\\n"));
  EXPECT_THAT(sdf, HasSubstr("C1, 18.1000, 1\\\n"));
  // 1D peak lists, intensity as number of nuclei, label back to the assignment.
  EXPECT_THAT(sdf, HasSubstr("1.2200, N=3, L=H4\\\n"));
  EXPECT_THAT(sdf, HasSubstr("58.3000, N=1, L=C2\\\n"));
  EXPECT_THAT(sdf, HasSubstr("Decoupled=1H"));
  // 1H peaks in descending shift order.
  EXPECT_LT(sdf.find("3.7100, N=2"), sdf.find("1.5000, N=1"));
  EXPECT_LT(sdf.find("1.5000, N=1"), sdf.find("1.2200, N=3"));
}

TEST(Nmredata, SolventTagCarriesTheNmrNameAndNoneForVacuum) {
  auto f = ethanol("ethanol");
  f.in.solvent = std::string(find_solvent("dmso").nmr_name);
  auto mols = read_back(nmredata_sdf(f.m, f.m.geometry, f.in));
  ASSERT_EQ(mols.size(), 1u);
  EXPECT_THAT(mols[0]->getProp<std::string>("NMREDATA_SOLVENT"), HasSubstr("DMSO-d6"));
  f.in.solvent = std::string(find_solvent("vacuum").nmr_name);
  mols = read_back(nmredata_sdf(f.m, f.m.geometry, f.in));
  ASSERT_EQ(mols.size(), 1u);
  std::string tag = mols[0]->getProp<std::string>("NMREDATA_SOLVENT");
  EXPECT_EQ(tag.rfind("none", 0), 0u) << tag;  // "none", then a ';' comment readers ignore
  EXPECT_THAT(tag, Not(HasSubstr("vacuum")));
}

TEST(Nmredata, HostileNameCannotBreakTheFile) {
  auto f = ethanol("evil\n$$$$\n>  <NMREDATA_LEVEL>\n9");
  f.in.solvent = "CDCl3\n$$$$";
  std::string sdf = nmredata_sdf(f.m, f.m.geometry, f.in);
  EXPECT_EQ(sdf.find("$$$$"), sdf.size() - 5);  // only the record terminator
  auto mols = read_back(sdf);
  ASSERT_EQ(mols.size(), 1u);
  EXPECT_EQ(mols[0]->getNumAtoms(), 9u);
  EXPECT_EQ(mols[0]->getProp<std::string>("_Name").find('\n'), std::string::npos);
  EXPECT_THAT(mols[0]->getProp<std::string>("NMREDATA_LEVEL"), HasSubstr("0"));
  EXPECT_EQ(sdf_safe_title(std::string(200, 'a')).size(), 80u);
}

TEST(Nmredata, RejectsBadAtomNumbersAndGeometries) {
  auto f = ethanol("ethanol");
  f.in.h1.push_back({10, 1.0});
  EXPECT_THROW(nmredata_sdf(f.m, f.m.geometry, f.in), ChemError);
  f = ethanol("ethanol");
  Geometry g = f.m.geometry;
  g.atoms.pop_back();
  EXPECT_THROW(nmredata_sdf(f.m, g, f.in), ChemError);
}

}  // namespace
}  // namespace qmnmr::chem
