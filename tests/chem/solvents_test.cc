// Tests for the solvent table and look-up.
#include "chem/solvents.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include "chem/error.h"

namespace qmnmr::chem {
namespace {

TEST(Solvents, TableMatchesScienceDoc) {
  EXPECT_EQ(find_solvent("acetonitrile").cosmo_name, "acetntrl");
  EXPECT_EQ(find_solvent("acetonitrile").alpb_name, "acetonitrile");
  EXPECT_EQ(find_solvent("dcm").cosmo_name, "dcm");
  EXPECT_EQ(find_solvent("dcm").alpb_name, "ch2cl2");
  EXPECT_EQ(find_solvent("chcl3").regression_key, "CHCl3");
  EXPECT_EQ(find_solvent("thf").regression_key, "THF");
  EXPECT_EQ(all_solvents().size(), 13u);
}

TEST(Solvents, NmrNamesFollowTheNmredataTable) {
  const std::pair<const char*, const char*> expected[] = {
      {"chcl3", "CDCl3"},        {"dmso", "DMSO-d6"},       {"methanol", "CD3OD"},
      {"water", "D2O"},          {"acetone", "acetone-d6"}, {"benzene", "C6D6"},
      {"pyridine", "pyridine-d5"}, {"thf", "THF-d8"},       {"toluene", "toluene-d8"},
      {"dcm", "CD2Cl2"},         {"acetonitrile", "CD3CN"}, {"dmf", "DMF-d7"}};
  for (const auto& [key, name] : expected) EXPECT_EQ(find_solvent(key).nmr_name, name) << key;
  EXPECT_TRUE(find_solvent("vacuum").nmr_name.empty());  // no NMR solvent
}

TEST(Solvents, VacuumHasNoModels) {
  const Solvent& v = find_solvent("vacuum");
  EXPECT_TRUE(v.is_vacuum());
  EXPECT_FALSE(v.has_alpb());
  EXPECT_EQ(v.regression_key, "vacuum");
}

TEST(Solvents, PyridineRunsXtbInGasPhaseWithANote) {
  const Solvent& p = find_solvent("pyridine");
  EXPECT_FALSE(p.is_vacuum());
  EXPECT_FALSE(p.has_alpb());
  EXPECT_NE(p.note.find("gas phase"), std::string_view::npos);
  for (const Solvent& s : all_solvents()) {
    if (s.key == "pyridine") continue;
    EXPECT_TRUE(s.note.empty()) << s.key;
  }
}

TEST(Solvents, KeysAreUnique) {
  std::set<std::string_view> keys;
  for (const Solvent& s : all_solvents()) EXPECT_TRUE(keys.insert(s.key).second) << s.key;
}

TEST(Solvents, UnknownKeyListsValidOnes) {
  try {
    find_solvent("foo");
    FAIL() << "no throw";
  } catch (const ChemError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("unknown solvent 'foo'"), std::string::npos) << m;
    EXPECT_NE(m.find("chcl3, dmso"), std::string::npos) << m;
    EXPECT_NE(m.find("vacuum"), std::string::npos) << m;
  }
  EXPECT_THROW(find_solvent("CHCl3"), ChemError);  // keys are lower case
}

}  // namespace
}  // namespace qmnmr::chem
