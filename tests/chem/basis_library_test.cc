// Tests for basis coverage, read from the real NWChem basis library.
#include "chem/basis_library.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "chem/error.h"

namespace qmnmr::chem {
namespace {

std::filesystem::path library() {
  const char* env = std::getenv("NWCHEM_BASIS_LIBRARY");
  return env && *env ? std::filesystem::path(env) : "/usr/share/nwchem/libraries/";
}

TEST(BasisLibrary, FileNameMangling) {
  EXPECT_EQ(basis_library_file_name("6-31G*"), "6-31gs");
  EXPECT_EQ(basis_library_file_name("6-311+G(2d,p)"), "6-311+g2d_p");
  EXPECT_EQ(basis_library_file_name("STO-3G"), "sto-3g");
  EXPECT_EQ(basis_library_file_name("6-31G**"), "6-31gss");
}

TEST(BasisLibrary, RealLibraryCoverage) {
  const auto dir = library();
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir << " missing: nwchem-data not installed";
  auto b631 = elements_in_basis(dir, "6-31G*");
  for (const char* e : {"H", "C", "N", "O", "F", "Cl", "Br", "Zn"}) EXPECT_TRUE(b631.count(e)) << e;
  EXPECT_FALSE(b631.count("I"));  // 6-31G* stops at Kr
  EXPECT_EQ(b631.size(), 36u);

  auto b6311 = elements_in_basis(dir, "6-311+G(2d,p)");
  EXPECT_TRUE(b6311.count("Cl"));
  EXPECT_TRUE(b6311.count("Ca"));
  EXPECT_FALSE(b6311.count("Br"));  // the production shielding basis stops at Ca
  EXPECT_FALSE(b6311.count("I"));

  auto sto = elements_in_basis(dir, "sto-3g");  // names compare case-insensitively
  EXPECT_TRUE(sto.count("I"));
  EXPECT_TRUE(sto.count("Br"));
  EXPECT_FALSE(sto.count("Xe"));  // NWChem's STO-3G ends at I
}

TEST(BasisLibrary, MissingElements) {
  const auto dir = library();
  ASSERT_TRUE(std::filesystem::is_directory(dir));
  EXPECT_TRUE(elements_missing_from_basis(dir, "6-31G*", {"C", "H", "O", "H"}).empty());
  EXPECT_EQ(elements_missing_from_basis(dir, "6-311+G(2d,p)", {"C", "Br", "I", "I"}),
            (std::vector<std::string>{"Br", "I"}));
}

TEST(BasisLibrary, UnknownBasisAndDirectory) {
  EXPECT_THROW(elements_in_basis(library(), "no-such-basis-xyz"), ChemError);
  EXPECT_THROW(elements_in_basis("/nonexistent/qmnmr", "6-31G*"), ChemError);
}

TEST(BasisLibrary, ScansDirectoryWhenFileNameDiffers) {
  auto dir = std::filesystem::temp_directory_path() / ("qmnmr_basis_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "oddname") << "# comment\nbasis \"C_My-Basis\" SPHERICAL\nC S\n 1.0 1.0\n"
                                    "end\nBASIS \"h_my-basis\" CARTESIAN\nend\n"
                                    "basis \"O_other\" SPHERICAL\nend\n";
  EXPECT_EQ(elements_in_basis(dir, "my-basis"), (std::set<std::string>{"C", "H"}));
  std::filesystem::remove_all(dir);
}

TEST(BasisLibrary, DefaultDirHonoursEnv) {
  const char* old = std::getenv("NWCHEM_BASIS_LIBRARY");
  std::string saved = old ? old : "";
  setenv("NWCHEM_BASIS_LIBRARY", "/opt/nw/libraries/", 1);
  EXPECT_EQ(default_basis_library_dir(), "/opt/nw/libraries/");
  unsetenv("NWCHEM_BASIS_LIBRARY");
  EXPECT_EQ(default_basis_library_dir(), "/usr/share/nwchem/libraries/");
  if (old) setenv("NWCHEM_BASIS_LIBRARY", saved.c_str(), 1);
}

TEST(BasisLibrary, HeavyElementsFallBackToTheHeavyElementBasis) {
  auto dir = library();
  auto production = choose_basis(dir, "6-311+G(2d,p)", {"C", "H", "Br", "I", "Br"});
  EXPECT_EQ(production.basis, "6-311+G(2d,p)");
  EXPECT_EQ(production.fallback, (std::map<std::string, std::string>{{"Br", "6-311G*"},
                                                                     {"I", "6-311G*"}}));
  EXPECT_TRUE(production.uncovered.empty());
  auto geometry = choose_basis(dir, "6-31G*", {"C", "Br", "I"});  // 6-31G* stops at Kr
  EXPECT_EQ(geometry.fallback, (std::map<std::string, std::string>{{"I", "6-311G*"}}));
  EXPECT_TRUE(choose_basis(dir, "6-31G*", {"C", "H", "O"}).fallback.empty());
  auto tin = choose_basis(dir, "6-311+G(2d,p)", {"C", "Sn"});  // in neither
  EXPECT_EQ(tin.uncovered, std::vector<std::string>{"Sn"});
  EXPECT_TRUE(tin.fallback.empty());
}

// A level's own per-element basis (a locally dense set) is written per
// element beside the heavy-element fallback, and refused when NWChem's
// library lacks that element in it.
TEST(BasisLibrary, ALevelsOwnElementBasesComeBesideTheFallback) {
  auto dir = library();
  auto ldbs = choose_basis(dir, "6-31+G*", {"C", "H", "I"}, {{"H", "6-311G**"}});
  EXPECT_EQ(ldbs.own, (std::map<std::string, std::string>{{"H", "6-311G**"}}));
  EXPECT_EQ(ldbs.fallback, (std::map<std::string, std::string>{{"I", "6-311G*"}}));
  EXPECT_EQ(ldbs.element_basis(), (std::map<std::string, std::string>{{"H", "6-311G**"},
                                                                       {"I", "6-311G*"}}));
  // An element with a basis of its own is not looked up in the level's.
  auto iodine = choose_basis(dir, "6-31G*", {"C", "I"}, {{"I", "6-311G*"}});
  EXPECT_TRUE(iodine.fallback.empty());
  EXPECT_TRUE(iodine.uncovered.empty());
  try {
    choose_basis(dir, "6-31G*", {"C", "H"}, {{"Sn", "6-31G*"}});
    ADD_FAILURE() << "6-31G* has no tin";
  } catch (const ChemError& e) {
    EXPECT_NE(std::string(e.what()).find("Sn"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace qmnmr::chem
