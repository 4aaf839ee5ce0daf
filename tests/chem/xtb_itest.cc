// Integration test: xtb_argv and the parser against the real xtb 6.5.1, and
// the fake CREST stand-in (tests/support/fake-crest) through crest_argv.
#include <gtest/gtest.h>

#include <algorithm>

#include "chem/cartesian_hessian.h"
#include "chem/crest.h"
#include "chem/error.h"
#include "chem/xtb.h"
#include "queue/atomic_file.h"
#include "tool_run.h"

namespace qmnmr::chem {
namespace {

using testing::fresh_dir;
using testing::run_tool;

constexpr const char* kEthanol =
    "9\nethanol\nC -0.93 0.05 0.0\nC 0.53 -0.38 0.0\nO 1.35 0.78 0.0\nH -1.56 -0.84 0.0\n"
    "H -1.15 0.66 0.88\nH -1.15 0.66 -0.88\nH 0.76 -0.99 0.88\nH 0.76 -0.99 -0.88\n"
    "H 1.65 1.0 0.9\n";

TEST(XtbIntegration, EthanolInChloroform) {
  if (!testing::on_path("xtb")) GTEST_FAIL() << "xtb must be installed";
  auto dir = fresh_dir("xtb");
  queue::write_file_atomic(dir / "conf.xyz", kEthanol);
  int rc = run_tool(xtb_argv("conf.xyz", find_solvent("chcl3"), 0, 0), dir, xtb_environment(1));
  XtbResult r =
      parse_xtb_output(queue::read_file(dir / "stdout.txt"), queue::read_file(dir / "stderr.txt"));
  EXPECT_EQ(rc, 0);
  ASSERT_TRUE(r.ok()) << r.error.value_or("");
  EXPECT_TRUE(r.optimization_converged);
  ASSERT_TRUE(r.total_energy);
  EXPECT_NEAR(*r.total_energy, -11.40, 0.05);
  Geometry g = parse_xyz(queue::read_file(dir / "xtbopt.xyz"));
  EXPECT_EQ(g.atoms.size(), 9u);
  EXPECT_NE(g.comment.find(std::to_string(*r.total_energy).substr(0, 8)), std::string::npos);
  std::filesystem::remove_all(dir);
}

// The Hessian NWChem's optimiser starts from: real xtb's file, read and
// written in the driver's format.
TEST(XtbIntegration, HessianOfEthanolForNwchem) {
  if (!testing::on_path("xtb")) GTEST_FAIL() << "xtb must be installed";
  auto dir = fresh_dir("xtb-hess");
  queue::write_file_atomic(dir / "start.xyz", kEthanol);
  int rc = run_tool(xtb_argv("start.xyz", find_solvent("chcl3"), 0, 0, XtbTask::hessian), dir,
                    xtb_environment(1));
  ASSERT_EQ(rc, 0) << queue::read_file(dir / "stderr.txt");
  auto h = parse_xtb_hessian(queue::read_file(dir / "hessian"), 9);
  ASSERT_EQ(h.values.size(), 27u * 27u);
  for (size_t i = 0; i < 27; ++i) {
    // Cartesian force constants of bonded atoms: positive, up to a few tenths
    // of a Hartree/bohr^2 (so not mass-weighted, not in other units).
    EXPECT_GT(h.at(i, i), 0.02) << i;
    EXPECT_LT(h.at(i, i), 2.0) << i;
    for (size_t j = 0; j < i; ++j) EXPECT_EQ(h.at(i, j), h.at(j, i));
  }
  // Translating the molecule costs nothing: each row sums to ~0 over x (or y, z).
  for (size_t i = 0; i < 27; ++i) {
    double sum = 0;
    for (size_t a = 0; a < 9; ++a) sum += h.at(i, 3 * a);
    EXPECT_NEAR(sum, 0.0, 1e-4) << i;
  }
  // A 1-atom file is the wrong molecule.
  EXPECT_THROW(parse_xtb_hessian(queue::read_file(dir / "hessian"), 1), ChemError);
  std::string text = nwchem_hessian_text(h);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 27 * 28 / 2);
  std::filesystem::remove_all(dir);
}

TEST(XtbIntegration, FakeCrestThroughCrestArgv) {
  if (!testing::on_path("xtb")) GTEST_FAIL() << "xtb must be installed";
  auto dir = fresh_dir("crest");
  queue::write_file_atomic(dir / "in.xyz", kEthanol);
  auto argv = crest_argv("in.xyz", find_solvent("chcl3"), 0, 0, 1);
  argv[0] = std::string(QMNMR_SOURCE_DIR) + "/tests/support/fake-crest/crest";
  int rc = run_tool(argv, dir, xtb_environment(1));
  ASSERT_EQ(rc, 0) << queue::read_file(dir / "stderr.txt");
  auto confs = parse_crest_conformers(queue::read_file(dir / "crest_conformers.xyz"));
  auto energies = parse_crest_energies(queue::read_file(dir / "crest.energies"));
  ASSERT_FALSE(confs.empty());
  ASSERT_EQ(confs.size(), energies.size());
  EXPECT_NEAR(confs[0].energy_hartree, -11.40, 0.05);
  EXPECT_EQ(energies[0].relative_kcal, 0.0);
  for (size_t i = 1; i < confs.size(); ++i)
    EXPECT_NEAR(energies[i].relative_kcal,
                (confs[i].energy_hartree - confs[0].energy_hartree) * 627.5095, 2e-3);
  std::string recorded = queue::read_file(dir / "crest.argv");
  EXPECT_EQ(recorded, "in.xyz\n--gfn2\n--alpb\nchcl3\n--chrg\n0\n--uhf\n0\n--ewin\n6\n-T\n1\n");
  // A bad flag makes it fail like a broken crest would.
  EXPECT_NE(run_tool({argv[0], "in.xyz", "--gfn2", "--bogus"}, dir), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace qmnmr::chem
