// Integration test: the input writer and output parser against the real
// NWChem 7.0.2 under mpirun with 2 ranks, test preset, water in chloroform:
// optimisation from a distorted start, then shielding on the optimised geometry.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "chem/basis_library.h"
#include "chem/nwchem_input.h"
#include "chem/nwchem_output.h"
#include "chem/presets.h"
#include "queue/atomic_file.h"
#include "tool_run.h"

namespace qmnmr::chem {
namespace {

using testing::fresh_dir;
using testing::run_tool;

NwchemOutput run_nwchem(const NwchemInput& in, const std::filesystem::path& dir) {
  std::filesystem::create_directories(in.scratch_dir);
  std::filesystem::create_directories(in.permanent_dir);
  queue::write_file_atomic(dir / "in.nw", write_nwchem_input(in));
  int rc = run_tool({"mpirun", "-n", "2", "--bind-to", "none", "nwchem", "in.nw"}, dir,
                    {{"OMPI_ALLOW_RUN_AS_ROOT", "1"}, {"OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"},
                     {"OMP_NUM_THREADS", "1"}, {"OPENBLAS_NUM_THREADS", "1"}},
                    "out.log", "err.log");
  NwchemOutput out = parse_nwchem_output(queue::read_file(dir / "out.log"));
  EXPECT_EQ(rc, 0) << queue::read_file(dir / "err.log");
  return out;
}

TEST(NwchemIntegration, WaterOptimizeThenShieldingTestPreset) {
  if (!testing::on_path("nwchem") || !testing::on_path("mpirun"))
    GTEST_FAIL() << "nwchem and mpirun must be installed";
  const Preset& preset = find_preset("test");
  auto dir = fresh_dir("nwchem");
  NwchemInput in;
  in.title = "water\ntask shell false";
  in.geometry = parse_xyz("3\n\nO 0 0 0.15\nH 0 0.85 -0.45\nH 0 -0.70 -0.55\n");
  in.functional = preset.geometry.functional;
  in.basis = std::string(preset.geometry.basis);
  in.grid = std::string(preset.geometry.grid);
  in.solvent = &find_solvent("chcl3");
  in.memory_mb = 300;
  in.scratch_dir = dir / "opt/scratch";
  in.permanent_dir = dir / "opt/perm";
  in.max_opt_steps = 50;
  std::filesystem::create_directories(dir / "opt");
  auto t0 = std::chrono::steady_clock::now();
  NwchemOutput opt = run_nwchem(in, dir / "opt");
  auto t1 = std::chrono::steady_clock::now();
  ASSERT_TRUE(opt.ok()) << opt.error.value_or("");
  EXPECT_TRUE(opt.optimization_converged);
  EXPECT_EQ(opt.nproc, 2);
  ASSERT_TRUE(opt.memory);
  EXPECT_NEAR(opt.memory->total_mb, 300.0, 0.5);
  ASSERT_TRUE(opt.final_geometry);
  const auto& a = opt.final_geometry->atoms;
  auto d = [&](int i) {
    return std::hypot(a[i].x - a[0].x, a[i].y - a[0].y, a[i].z - a[0].z);
  };
  EXPECT_NEAR(d(1), d(2), 2e-3);  // the distorted start became symmetric

  in.task = NwchemTask::shielding;
  in.geometry = *opt.final_geometry;
  in.functional = preset.shielding.functional;
  in.basis = std::string(preset.shielding.basis);
  in.grid = std::string(preset.shielding.grid);
  in.scratch_dir = dir / "nmr/scratch";
  in.permanent_dir = dir / "nmr/perm";
  std::filesystem::create_directories(dir / "nmr");
  NwchemOutput nmr = run_nwchem(in, dir / "nmr");
  auto t2 = std::chrono::steady_clock::now();
  ASSERT_TRUE(nmr.ok()) << nmr.error.value_or("");
  ASSERT_EQ(nmr.shieldings.size(), 3u);
  EXPECT_NEAR(nmr.shieldings[1].isotropic, nmr.shieldings[2].isotropic, 0.05);
  EXPECT_GT(nmr.shieldings[0].isotropic, 250.0);  // O
  ASSERT_TRUE(nmr.total_energy && opt.total_energy);
  // Same level and geometry; the xcoarse grid is not rotation invariant and NWChem
  // re-centres the molecule, so allow 1 mHartree.
  EXPECT_NEAR(*nmr.total_energy, *opt.total_energy, 1e-3);
  using secs = std::chrono::duration<double>;
  RecordProperty("opt_seconds", std::to_string(secs(t1 - t0).count()));
  RecordProperty("shielding_seconds", std::to_string(secs(t2 - t1).count()));
  std::printf("water test preset, 2 ranks: optimisation %.1f s, shielding %.1f s\n",
              secs(t1 - t0).count(), secs(t2 - t1).count());
  std::filesystem::remove_all(dir);
}

// A bromide with a level basis that lacks bromine (4-31G, small; the production
// shielding basis 6-311+G(2d,p) lacks it too): bromine gets the heavy-element
// basis through `except`, H and C keep the level's basis.
TEST(NwchemIntegration, BromomethaneShieldingWithHeavyElementBasis) {
  if (!testing::on_path("nwchem") || !testing::on_path("mpirun"))
    GTEST_FAIL() << "nwchem and mpirun must be installed";
  auto dir = fresh_dir("nwchem-br");
  NwchemInput in;
  in.title = "bromomethane";
  in.geometry = parse_xyz(
      "5\n\nC 0 0 0\nBr 0 0 1.95\nH 1.03 0 -0.36\nH -0.515 0.892 -0.36\nH -0.515 -0.892 "
      "-0.36\n");
  in.basis = "4-31G";
  auto choice = choose_basis(default_basis_library_dir(), in.basis, {"C", "Br", "H"});
  ASSERT_EQ(choice.fallback.count("Br"), 1u);
  in.element_basis = choice.fallback;
  in.grid = "xcoarse";  // speed; the basis is what is under test
  in.memory_mb = 300;
  in.task = NwchemTask::shielding;
  in.scratch_dir = dir / "scratch";
  in.permanent_dir = dir / "perm";
  NwchemOutput nmr = run_nwchem(in, dir);
  ASSERT_TRUE(nmr.ok()) << nmr.error.value_or("");
  ASSERT_EQ(nmr.shieldings.size(), 5u);
  EXPECT_NEAR(nmr.shieldings[2].isotropic, nmr.shieldings[3].isotropic, 0.05);
  EXPECT_GT(nmr.shieldings[0].isotropic, 100.0);  // C
  EXPECT_LT(nmr.shieldings[0].isotropic, 220.0);
  const std::string log = queue::read_file(dir / "out.log");
  EXPECT_NE(log.find("Br                         6-311G*"), std::string::npos);
  EXPECT_NE(log.find("C                           4-31G"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace qmnmr::chem
