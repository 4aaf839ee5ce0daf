// Tests for the CREST argv and parsers: the project's own CREST-format
// fixtures (tests/data/crest/) and, when present, the real CREST 2.12 run in
// ../shared/crest-sample/n-butane.
#include "chem/crest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "chem/error.h"
#include "queue/atomic_file.h"

namespace qmnmr::chem {
namespace {

using ::testing::ElementsAre;

std::string data(const std::string& name) {
  return queue::read_file(std::string(QMNMR_TEST_DATA_DIR) + "/crest/" + name);
}

TEST(Crest, Argv) {
  EXPECT_THAT(crest_argv("in.xyz", find_solvent("chcl3"), 0, 0, 2),
              ElementsAre("crest", "in.xyz", "--gfn2", "--alpb", "chcl3", "--chrg", "0", "--uhf",
                          "0", "--ewin", "6", "-T", "2"));
  EXPECT_THAT(crest_argv("in.xyz", find_solvent("vacuum"), 1, 1, 4, 3.5),
              ElementsAre("crest", "in.xyz", "--gfn2", "--chrg", "1", "--uhf", "1", "--ewin",
                          "3.5", "-T", "4"));
}

TEST(Crest, ParsesConformersAndEnergies) {
  auto confs = parse_crest_conformers(data("ethanol_conformers.xyz"));
  ASSERT_EQ(confs.size(), 2u);
  EXPECT_EQ(confs[0].geometry.atoms.size(), 9u);
  EXPECT_EQ(confs[1].geometry.atoms[2].symbol, "O");
  EXPECT_DOUBLE_EQ(confs[0].energy_hartree, -11.40062922);
  EXPECT_DOUBLE_EQ(confs[1].energy_hartree, -11.39819938);
  auto energies = parse_crest_energies(data("ethanol.energies"));
  ASSERT_EQ(energies.size(), 2u);
  EXPECT_EQ(energies[1].index, 2);
  // crest.energies agrees with the frame energies (kcal/mol, 3 decimals).
  EXPECT_NEAR(energies[1].relative_kcal,
              (confs[1].energy_hartree - confs[0].energy_hartree) * 627.5095, 6e-4);
  auto best = parse_crest_conformers(data("ethanol_best.xyz"));
  ASSERT_EQ(best.size(), 1u);
  EXPECT_DOUBLE_EQ(best[0].geometry.atoms[8].x, confs[0].geometry.atoms[8].x);
}

TEST(Crest, RejectsFramesWithoutEnergies) {
  EXPECT_THROW(parse_crest_conformers("1\nnot an energy\nH 0 0 0\n"), ChemError);
  EXPECT_THROW(parse_crest_energies("  1   0.000\n  two 1.0\n"), ChemError);
}

TEST(Crest, RealCrestSampleFromShared) {
  std::filesystem::path dir = std::filesystem::path(QMNMR_SHARED_DIR) / "crest-sample/n-butane";
  if (!std::filesystem::is_directory(dir)) {
    if (std::getenv("CI")) FAIL() << dir << " is missing in CI";
    GTEST_SKIP() << "needs ../shared/crest-sample (reference data outside the repository)";
  }
  auto confs = parse_crest_conformers(queue::read_file(dir / "crest_conformers.xyz"));
  auto energies = parse_crest_energies(queue::read_file(dir / "crest.energies"));
  ASSERT_EQ(confs.size(), 4u);
  ASSERT_EQ(energies.size(), 4u);
  for (size_t i = 0; i < confs.size(); ++i) {
    EXPECT_EQ(confs[i].geometry.atoms.size(), 14u);
    EXPECT_NEAR(energies[i].relative_kcal,
                (confs[i].energy_hartree - confs[0].energy_hartree) * 627.5095, 0.01);
  }
}

}  // namespace
}  // namespace qmnmr::chem
