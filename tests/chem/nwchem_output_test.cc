// Tests for the NWChem output parser on real NWChem 7.0.2 outputs captured
// with 2 ranks (tests/data/nwchem/*.out, inputs beside them as *.nw).
#include "chem/nwchem_output.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "queue/atomic_file.h"

namespace qmnmr::chem {
namespace {

using ::testing::HasSubstr;

NwchemOutput parse_fixture(const std::string& name) {
  return parse_nwchem_output(
      queue::read_file(std::string(QMNMR_TEST_DATA_DIR) + "/nwchem/" + name));
}

double distance(const Atom& a, const Atom& b) {
  return std::sqrt((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) +
                   (a.z - b.z) * (a.z - b.z));
}

TEST(NwchemOutput, OptimizationTakesTheLastGeometry) {
  NwchemOutput out = parse_fixture("water_opt_chcl3.out");
  EXPECT_TRUE(out.ok()) << out.error.value_or("");
  EXPECT_TRUE(out.optimization_converged);
  ASSERT_TRUE(out.total_energy);
  EXPECT_DOUBLE_EQ(*out.total_energy, -75.327320903255);
  EXPECT_GE(out.geometry_tables, 3);
  ASSERT_TRUE(out.first_geometry && out.final_geometry);
  const Geometry& first = *out.first_geometry;
  const Geometry& last = *out.final_geometry;
  ASSERT_EQ(last.atoms.size(), 3u);
  EXPECT_EQ(last.atoms[0].symbol, "O");
  EXPECT_EQ(last.atoms[2].symbol, "H");
  // The final table of the fixture (after "Optimization converged").
  EXPECT_DOUBLE_EQ(last.atoms[0].y, 0.00132510);
  EXPECT_DOUBLE_EQ(last.atoms[1].y, 0.81842609);
  EXPECT_DOUBLE_EQ(last.atoms[2].z, -0.58585675);
  // The start was distorted (O-H 1.04 and 0.92 A); the optimum is symmetric.
  EXPECT_GT(std::abs(distance(first.atoms[0], first.atoms[1]) -
                     distance(first.atoms[0], first.atoms[2])), 0.05);
  EXPECT_NEAR(distance(last.atoms[0], last.atoms[1]), distance(last.atoms[0], last.atoms[2]),
              1e-3);
  EXPECT_NE(first.atoms[1].y, last.atoms[1].y);
}

TEST(NwchemOutput, HeaderRanksAndMemory) {
  NwchemOutput out = parse_fixture("water_opt_chcl3.out");
  EXPECT_EQ(out.nproc, 2);
  ASSERT_TRUE(out.memory);
  EXPECT_DOUBLE_EQ(out.memory->heap_mb, 100.0);
  EXPECT_DOUBLE_EQ(out.memory->stack_mb, 100.0);
  EXPECT_DOUBLE_EQ(out.memory->global_mb, 200.0);
  EXPECT_DOUBLE_EQ(out.memory->total_mb, 400.0);
}

TEST(NwchemOutput, ShieldingPerAtom) {
  NwchemOutput out = parse_fixture("water_shielding_chcl3.out");
  EXPECT_TRUE(out.ok()) << out.error.value_or("");
  ASSERT_EQ(out.shieldings.size(), 3u);
  EXPECT_EQ(out.shieldings[0].atom, 1);
  EXPECT_EQ(out.shieldings[0].symbol, "O");
  EXPECT_DOUBLE_EQ(out.shieldings[0].isotropic, 300.2704);
  EXPECT_EQ(out.shieldings[2].atom, 3);
  EXPECT_DOUBLE_EQ(out.shieldings[1].isotropic, 31.8068);
  EXPECT_DOUBLE_EQ(out.shieldings[2].isotropic, 31.8181);
  EXPECT_FALSE(out.optimization_converged);
  ASSERT_TRUE(out.final_geometry);
  EXPECT_EQ(out.shieldings.size(), out.final_geometry->atoms.size());
}

TEST(NwchemOutput, OpenShellShielding) {
  NwchemOutput out = parse_fixture("methyl_radical_shielding.out");
  EXPECT_TRUE(out.ok()) << out.error.value_or("");
  ASSERT_EQ(out.shieldings.size(), 4u);
  EXPECT_EQ(out.shieldings[0].symbol, "C");
  EXPECT_DOUBLE_EQ(out.shieldings[0].isotropic, 153.4516);
}

TEST(NwchemOutput, ScfNotConverged) {
  NwchemOutput out = parse_fixture("water_scf_not_converged.out");
  EXPECT_FALSE(out.ok());
  ASSERT_TRUE(out.error);
  EXPECT_THAT(*out.error, HasSubstr("scf did not converge"));
  EXPECT_THAT(*out.error, HasSubstr("dft energy failed"));
}

TEST(NwchemOutput, OptimizationStepLimit) {
  NwchemOutput out = parse_fixture("water_opt_maxiter.out");
  EXPECT_FALSE(out.optimization_converged);
  ASSERT_TRUE(out.error);
  EXPECT_THAT(*out.error, HasSubstr("optimisation did not converge"));
}

TEST(NwchemOutput, MissingBasisNamesTheElement) {
  NwchemOutput out = parse_fixture("hi_missing_basis.out");
  ASSERT_TRUE(out.error);
  EXPECT_THAT(*out.error, HasSubstr("element I "));
}

TEST(NwchemOutput, UnknownCosmoSolvent) {
  NwchemOutput out = parse_fixture("water_bad_solvent.out");
  ASSERT_TRUE(out.error);
  EXPECT_THAT(*out.error, HasSubstr("cosmo solvent"));
}

TEST(NwchemOutput, TruncatedOutputIsAnError) {
  std::string text = queue::read_file(std::string(QMNMR_TEST_DATA_DIR) +
                                      "/nwchem/water_shielding_chcl3.out");
  NwchemOutput out = parse_nwchem_output(std::string_view(text).substr(0, text.size() / 2));
  EXPECT_FALSE(out.finished);
  ASSERT_TRUE(out.error);
  EXPECT_THAT(*out.error, HasSubstr("ends early"));
}

TEST(NwchemOutput, OutOfMemorySignature) {
  NwchemOutput out = parse_nwchem_output(
      " ------------------------------------------------------------------------\n"
      " dft_scf: MA_push_get failed                                     0\n"
      " ------------------------------------------------------------------------\n"
      " ------------------------------------------------------------------------\n"
      "  current input line : \n");
  ASSERT_TRUE(out.error);
  EXPECT_THAT(*out.error, HasSubstr("out of memory"));
  EXPECT_THAT(*out.error, HasSubstr("MA_push_get failed"));
}

}  // namespace
}  // namespace qmnmr::chem
