// Tests for the xtb argv and output parser on real xtb 6.5.1 outputs
// (tests/data/xtb/).
#include "chem/xtb.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "chem/geometry.h"
#include "queue/atomic_file.h"

namespace qmnmr::chem {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string data(const std::string& name) {
  return queue::read_file(std::string(QMNMR_TEST_DATA_DIR) + "/xtb/" + name);
}

TEST(Xtb, ArgvWithAlpb) {
  EXPECT_THAT(xtb_argv("conf.xyz", find_solvent("dcm"), -1, 0),
              ElementsAre("xtb", "conf.xyz", "--opt", "--gfn", "2", "--alpb", "ch2cl2", "--chrg",
                          "-1", "--uhf", "0"));
}

TEST(Xtb, ArgvWithoutAlpb) {
  for (const char* key : {"vacuum", "pyridine"})
    EXPECT_THAT(xtb_argv("/j/c1/conf.xyz", find_solvent(key), 0, 1),
                ElementsAre("xtb", "/j/c1/conf.xyz", "--opt", "--gfn", "2", "--chrg", "0", "--uhf",
                            "1"))
        << key;
}

TEST(Xtb, ArgvForAHessian) {
  EXPECT_THAT(xtb_argv("start.xyz", find_solvent("chcl3"), 0, 0, XtbTask::hessian),
              ElementsAre("xtb", "start.xyz", "--hess", "--gfn", "2", "--alpb", "chcl3", "--chrg",
                          "0", "--uhf", "0"));
}

TEST(Xtb, Environment) {
  auto env = xtb_environment(3);
  EXPECT_THAT(env, ::testing::Contains(std::pair<std::string, std::string>("OMP_STACKSIZE", "2G")));
  EXPECT_THAT(env, ::testing::Contains(std::pair<std::string, std::string>("OMP_NUM_THREADS", "3")));
}

TEST(Xtb, ParsesWaterRun) {
  XtbResult r = parse_xtb_output(data("water_chcl3.stdout"), data("water_chcl3.stderr"));
  EXPECT_TRUE(r.ok()) << r.error.value_or("");
  ASSERT_TRUE(r.total_energy);
  EXPECT_DOUBLE_EQ(*r.total_energy, -5.074009400484);
  EXPECT_TRUE(r.optimization_converged);
  EXPECT_TRUE(r.normal_termination);
  Geometry g = parse_xyz(data("water_chcl3.xtbopt.xyz"));
  EXPECT_EQ(g.atoms.size(), 3u);
  EXPECT_THAT(g.comment, HasSubstr("-5.074009400484"));
}

TEST(Xtb, ParsesEthanolRunLastEnergy) {
  XtbResult r = parse_xtb_output(data("ethanol_chcl3.stdout"));
  EXPECT_TRUE(r.ok());
  ASSERT_TRUE(r.total_energy);
  EXPECT_DOUBLE_EQ(*r.total_energy, -11.398199384881);
  EXPECT_EQ(parse_xyz(data("ethanol_chcl3.xtbopt.xyz")).atoms.size(), 9u);
}

TEST(Xtb, NotConvergedIsFlaggedNotFatal) {
  XtbResult r = parse_xtb_output(data("ethanol_cycles2.stdout"), data("ethanol_cycles2.stderr"));
  EXPECT_FALSE(r.optimization_converged);
  EXPECT_TRUE(r.ok());
  ASSERT_TRUE(r.total_energy);
  EXPECT_DOUBLE_EQ(*r.total_energy, -11.398196756864);
}

TEST(Xtb, BadInputIsAnError) {
  XtbResult r = parse_xtb_output(data("bad_xyz.stdout"), data("bad_xyz.stderr"));
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.total_energy);
  EXPECT_THAT(r.error.value_or(""), HasSubstr("Could not parse coordinates"));
  EXPECT_EQ(r.xtb_line, "-1- Error: Could not parse coordinates from xyz file");
}

TEST(Xtb, XtbLineIsEmptyWhenAllIsWell) {
  XtbResult r = parse_xtb_output(data("ethanol_chcl3.stdout"), data("ethanol_chcl3.stderr"));
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.xtb_line.empty()) << r.xtb_line;
}

TEST(Xtb, UnknownAlpbSolventIsAnError) {
  XtbResult r = parse_xtb_output(data("alpb_pyridine.stdout"), data("alpb_pyridine.stderr"));
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.error.value_or(""), HasSubstr("'pyridine' is not parametrized"));
}

TEST(Xtb, AbnormalTerminationOnlyInStderr) {
  XtbResult r = parse_xtb_output("", "abnormal termination of xtb\n");
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.error.value_or(""), HasSubstr("abnormally"));
  EXPECT_EQ(r.xtb_line, "abnormal termination of xtb");
}

}  // namespace
}  // namespace qmnmr::chem
