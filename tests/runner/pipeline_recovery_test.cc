// The DFT stages' decisions, tested through FakeToolRunner with captured
// NWChem outputs (tests/data/nwchem): an optimisation out of steps continues
// from its last geometry, an SCF failure is retried with damping and a level
// shift, a memory failure with fewer ranks and more memory each, what a retry
// cannot fix fails the job with NWChem's line, a conformer that still fails is
// dropped with its reason and its estimated weight, and a resume never repeats
// a failure that cannot change.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include <spdlog/spdlog.h>

#include "queue/atomic_file.h"
#include "runner/pipeline/dropped_weight.h"
#include "runner/pipeline/nwchem_run.h"
#include "runner/pipeline/stage_context.h"
#include "runner/pipeline/tms_reference.h"
#include "runner/pipeline/tool_versions.h"
#include "support/fake_tool_runner.h"
#include "support/molecules.h"
#include "support/temp_dir.h"

namespace qmnmr::runner {
namespace {
namespace fs = std::filesystem;
using testing::captured;
using testing::FakeResponse;
using testing::FakeToolRunner;
using nlohmann::json;

ToolContext fake_context(const fs::path& logs, int ranks, std::optional<int> slots) {
  ToolContext c;
  c.plan.ranks = ranks;
  c.plan.nwchem_memory_mb_per_rank = 400;
  c.plan.omp_threads = 1;
  c.logs_dir = logs;
  c.slots = slots;
  return c;
}

JobRequest water_request(const std::string& smiles = "O") {
  JobRequest r;
  r.molecule.text = smiles;
  r.preset = "test";
  r.solvent = "chcl3";
  r.conformers = "single";
  return r;
}

// A job folder, its status, a fake runner and a stage context for water.
struct Harness {
  // One run after another unless told: most tests follow the retry decisions in order.
  explicit Harness(int ranks = 2, std::optional<int> slots = 1, const std::string& smiles = "O")
      : request(water_request(smiles)),
        spec(resolve_job(request)),
        paths(tmp.path() / "job"),
        status(paths.status(), json::object()),
        tools(fake_context(paths.logs(), ranks, slots)),
        ctx{spec, paths, status, tools, tmp.path() / "reference",
            testing::molecule_from_smiles(smiles), {}, spdlog::default_logger(), {}, {}, {}} {
    paths.create();
    // xTB's Hessian for each optimisation's first step (real xtb output).
    tools.script("xtb_hessian_", {xtb_hessian()});
  }
  static FakeResponse xtb_hessian() {
    auto r = captured("xtb/water_hessian_chcl3.stdout");
    r.files["hessian"] = testing::test_data("xtb/water_chcl3.hessian");
    return r;
  }
  // The NWChem runs, in order (without the xTB Hessians before them).
  std::vector<testing::FakeCall> nwchem_calls() const {
    std::vector<testing::FakeCall> out;
    for (const auto& c : tools.calls)
      if (!c.log_name.starts_with("xtb_hessian_")) out.push_back(c);
    return out;
  }
  // Puts a TMS reference into the cache under `version`, so that no TMS run
  // starts beside the stage under test; returns its key.
  std::string seed_tms_cache(const std::string& version, double sigma_h = 31.0,
                             double sigma_c = 190.0) {
    const auto key = tms_cache_key(ctx.preset(), ctx.preset().shielding, ctx.solvent(), version);
    fs::create_directories(ctx.cache_dir);
    queue::write_file_atomic(ctx.cache_dir / tms_cache_file_name(key),
                             json{{"key", key}, {"sigma_H", sigma_h}, {"sigma_C", sigma_c}}.dump());
    return key;
  }
  Conformer& add_conformer(int id, ConformerState state) {
    Conformer c;
    c.id = id;
    c.geometry = ctx.molecule.geometry;
    c.state = state;
    ctx.ensemble.conformers.push_back(c);
    return ctx.ensemble.conformers.back();
  }
  testing::TempDir tmp{"recovery"};
  JobRequest request;
  JobSpec spec;
  JobPaths paths;
  StatusFile status;
  FakeToolRunner tools;
  StageContext ctx;
};

chem::Geometry geometry_in(const std::string& input_text) {
  // The atom lines of a deck written by chem::write_nwchem_input.
  auto start = input_text.find("noautosym\n");
  auto end = input_text.find("end\n", start);
  std::string xyz = "3\n\n" + input_text.substr(start + 10, end - start - 10);
  return chem::parse_xyz(xyz);
}

// The basis chosen once per level reaches each NWChem input, for the elements
// the geometry holds (the TMS reference has no bromine).
TEST(PipelineRecovery, HeavyElementBasisReachesTheInputsOfItsLevel) {
  Harness h;
  auto bromomethane = testing::molecule_from_smiles("CBr");
  h.ctx.geometry_basis = chem::choose_basis(chem::default_basis_library_dir(), "6-31G*",
                                            bromomethane.symbols);
  h.ctx.shielding_basis = chem::choose_basis(chem::default_basis_library_dir(), "6-311+G(2d,p)",
                                             bromomethane.symbols);
  auto dir = h.tmp.path() / "in";
  auto shielding = nwchem_input_for(h.ctx, bromomethane, bromomethane.geometry,
                                    chem::NwchemTask::shielding, dir);
  EXPECT_EQ(shielding.element_basis, (std::map<std::string, std::string>{{"Br", "6-311G*"}}));
  EXPECT_NE(chem::write_nwchem_input(shielding).find("Br library 6-311G*"), std::string::npos);
  auto opt = nwchem_input_for(h.ctx, bromomethane, bromomethane.geometry,
                              chem::NwchemTask::optimize, dir);
  EXPECT_TRUE(opt.element_basis.empty());  // 6-31G* has bromine
}

TEST(PipelineRecovery, OptimisationOutOfStepsContinuesFromItsLastGeometry) {
  Harness h;
  h.add_conformer(1, ConformerState::selected);
  h.tools.script("nwchem_opt_", {captured("nwchem/water_opt_maxiter.out", 255),
                                 captured("nwchem/water_opt_chcl3.out")});
  stage_dft_opt(h.ctx);
  ASSERT_EQ(h.nwchem_calls().size(), 2u);
  const auto& c = h.ctx.ensemble.conformers[0];
  EXPECT_EQ(c.state, ConformerState::dft_optimized);
  // The second run starts where the first stopped: its last geometry table.
  auto first = chem::parse_nwchem_output(testing::test_data("nwchem/water_opt_maxiter.out"));
  ASSERT_TRUE(first.final_geometry);
  auto restarted = geometry_in(h.nwchem_calls()[1].input_text);
  ASSERT_EQ(restarted.atoms.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(restarted.atoms[i].x, first.final_geometry->atoms[i].x, 1e-6);
    EXPECT_NEAR(restarted.atoms[i].z, first.final_geometry->atoms[i].z, 1e-6);
  }
  EXPECT_EQ(h.nwchem_calls()[1].log_name, "nwchem_opt_conf_001_retry1");
  // The first run started from xTB's Hessian of its geometry; the continuation,
  // from another geometry, from NWChem's own guess.
  EXPECT_NE(h.nwchem_calls()[0].input_text.find("  inhess 2\n"), std::string::npos);
  EXPECT_EQ(h.nwchem_calls()[1].input_text.find("inhess"), std::string::npos);
  // Steps of both runs are counted.
  auto second = chem::parse_nwchem_output(testing::test_data("nwchem/water_opt_chcl3.out"));
  EXPECT_EQ(c.dft_opt_steps, first.optimization_steps + second.optimization_steps);
  EXPECT_GT(first.optimization_steps, 0);
  // The step budget scales with the molecule and is above NWChem's default 20.
  EXPECT_NE(h.nwchem_calls()[0].input_text.find("maxiter " +
                                             std::to_string(chem::optimisation_step_budget(3))),
            std::string::npos);
}

// A worker stopped (SIGINT) during an optimisation: the resumed stage goes on
// from the last geometry the interrupted run reached, not from the start.
TEST(PipelineRecovery, InterruptedOptimisationResumesFromItsLastGeometry) {
  Harness h;
  h.add_conformer(1, ConformerState::selected);
  std::filesystem::create_directories(h.paths.logs());
  queue::write_file_atomic(h.paths.logs() / "nwchem_opt_conf_001.out",
                           testing::test_data("nwchem/water_opt_maxiter.out"));
  h.tools.script("nwchem_opt_", {captured("nwchem/water_opt_chcl3.out")});
  stage_dft_opt(h.ctx);
  ASSERT_EQ(h.nwchem_calls().size(), 1u);
  EXPECT_EQ(h.ctx.ensemble.conformers[0].state, ConformerState::dft_optimized);
  auto interrupted = chem::parse_nwchem_output(testing::test_data("nwchem/water_opt_maxiter.out"));
  ASSERT_TRUE(interrupted.final_geometry);
  auto resumed = geometry_in(h.nwchem_calls()[0].input_text);
  ASSERT_EQ(resumed.atoms.size(), 3u);
  for (size_t i = 0; i < 3; ++i)
    EXPECT_NEAR(resumed.atoms[i].y, interrupted.final_geometry->atoms[i].y, 1e-6);
  // The steps of the interrupted run count too.
  auto finished = chem::parse_nwchem_output(testing::test_data("nwchem/water_opt_chcl3.out"));
  EXPECT_EQ(h.ctx.ensemble.conformers[0].dft_opt_steps,
            interrupted.optimization_steps + finished.optimization_steps);
  // Without an earlier output the run starts from the conformer's geometry.
  Harness fresh;
  fresh.add_conformer(1, ConformerState::selected);
  fresh.tools.script("nwchem_opt_", {captured("nwchem/water_opt_chcl3.out")});
  stage_dft_opt(fresh.ctx);
  auto start = geometry_in(fresh.nwchem_calls()[0].input_text);
  EXPECT_NEAR(start.atoms[1].y, fresh.ctx.molecule.geometry.atoms[1].y, 1e-6);
}

// Before the optimisation, xTB computes the Hessian of its start geometry and
// NWChem's driver reads it (`inhess 2`, <perm>/qmnmr.hess, the lower triangle).
TEST(PipelineRecovery, OptimisationStartsFromXtbsHessian) {
  Harness h;
  h.add_conformer(1, ConformerState::selected);
  h.tools.script("nwchem_opt_", {captured("nwchem/water_opt_chcl3.out")});
  stage_dft_opt(h.ctx);
  ASSERT_EQ(h.tools.calls.size(), 2u);
  const auto& xtb = h.tools.calls[0];
  EXPECT_EQ(xtb.log_name, "xtb_hessian_nwchem_opt_conf_001");
  EXPECT_EQ(xtb.argv[2], "--hess");
  // xTB had the geometry NWChem starts from.
  auto given = chem::parse_xyz(queue::read_file(xtb.cwd / "start.xyz"));
  auto start = geometry_in(h.tools.calls[1].input_text);
  ASSERT_EQ(given.atoms.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(given.atoms[i].y, start.atoms[i].y, 1e-6);
  EXPECT_NE(h.tools.calls[1].input_text.find("  inhess 2\n"), std::string::npos);
  const auto hess = h.paths.scratch() / "dft_opt/conf_001/perm/qmnmr.hess";
  auto text = queue::read_file(hess);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 9 * 10 / 2);
  EXPECT_EQ(h.ctx.ensemble.conformers[0].state, ConformerState::dft_optimized);
}

// xTB failing, not installed, or leaving a Hessian of another molecule costs
// the optimiser its head start, not the conformer: NWChem's own guess, no
// stale file.
TEST(PipelineRecovery, WithoutXtbsHessianTheOptimiserStartsFromItsOwnGuess) {
  FakeResponse wrong = Harness::xtb_hessian();
  wrong.files["hessian"] = "$hessian\n 0.5 0 0 0 0.4 0 0 0 0.3\n";  // one atom's
  FakeResponse missing;
  missing.cannot_start = true;
  const std::vector<FakeResponse> cases = {captured("xtb/bad_xyz.stdout", 1), wrong, missing};
  for (size_t fails = 0; fails < cases.size(); ++fails) {
    Harness h;
    h.add_conformer(1, ConformerState::selected);
    const auto hess = h.paths.scratch() / "dft_opt/conf_001/perm/qmnmr.hess";
    std::filesystem::create_directories(hess.parent_path());
    queue::write_file_atomic(hess, "stale\n");
    h.tools.script("xtb_hessian_", {cases[fails]});
    h.tools.script("nwchem_opt_", {captured("nwchem/water_opt_chcl3.out")});
    stage_dft_opt(h.ctx);
    ASSERT_EQ(h.nwchem_calls().size(), 1u) << fails;
    EXPECT_EQ(h.nwchem_calls()[0].input_text.find("inhess"), std::string::npos) << fails;
    EXPECT_FALSE(fs::exists(hess)) << fails;
    EXPECT_EQ(h.ctx.ensemble.conformers[0].state, ConformerState::dft_optimized) << fails;
  }
}

TEST(PipelineRecovery, OptimisationThatNeverConvergesIsDroppedWithItsClass) {
  Harness h;
  h.add_conformer(1, ConformerState::selected);
  h.add_conformer(2, ConformerState::selected);
  h.tools.script("nwchem_opt_conf_001", {captured("nwchem/water_opt_maxiter.out", 255)});
  h.tools.script("nwchem_opt_conf_002", {captured("nwchem/water_opt_chcl3.out")});
  stage_dft_opt(h.ctx);
  const auto& c1 = h.ctx.ensemble.conformers[0];
  EXPECT_EQ(c1.state, ConformerState::dropped);
  ASSERT_TRUE(c1.failure);
  EXPECT_EQ(c1.failure->kind, "opt_max_steps");
  EXPECT_EQ(c1.failure->stage, "dft_opt");
  EXPECT_TRUE(c1.failure->final);
  EXPECT_NE(c1.failure->message.find("log: "), std::string::npos) << c1.failure->message;
  // The first run and two continuations.
  EXPECT_EQ(h.nwchem_calls().size(), 4u);
  EXPECT_EQ(h.ctx.ensemble.conformers[1].state, ConformerState::dft_optimized);
}

TEST(PipelineRecovery, ScfFailureIsRetriedWithDampingAndALevelShift) {
  Harness h;
  h.add_conformer(1, ConformerState::selected);
  h.tools.script("nwchem_opt_", {captured("nwchem/water_scf_not_converged.out", 255),
                                 captured("nwchem/water_opt_chcl3.out")});
  stage_dft_opt(h.ctx);
  ASSERT_EQ(h.nwchem_calls().size(), 2u);
  EXPECT_EQ(h.nwchem_calls()[0].input_text.find("lshift"), std::string::npos);
  EXPECT_NE(h.nwchem_calls()[1].input_text.find("convergence damp"), std::string::npos);
  EXPECT_NE(h.nwchem_calls()[1].input_text.find("lshift"), std::string::npos);
  EXPECT_EQ(h.ctx.ensemble.conformers[0].state, ConformerState::dft_optimized);
}

TEST(PipelineRecovery, CphfFailureIsRetriedWithDirectIntegrals) {
  // SCIENCE.md: a CPHF that does not converge under COSMO converges with
  // `direct`; the first run caches the integrals (faster), the retry does not.
  Harness h;
  h.add_conformer(1, ConformerState::dft_selected);
  h.status.doc().erase("tool_versions");  // no TMS reference beside
  h.tools.script("nwchem_shielding_", {captured("nwchem/cphf_not_converged_water.out", 255),
                                       captured("nwchem/water_shielding_chcl3.out")});
  stage_shielding(h.ctx);
  ASSERT_EQ(h.nwchem_calls().size(), 2u);
  auto has_direct = [](const std::string& deck) {
    return deck.find("\n  direct\n") != std::string::npos;
  };
  EXPECT_FALSE(has_direct(h.nwchem_calls()[0].input_text)) << h.nwchem_calls()[0].input_text;
  EXPECT_TRUE(has_direct(h.nwchem_calls()[1].input_text)) << h.nwchem_calls()[1].input_text;
  EXPECT_EQ(h.ctx.ensemble.conformers[0].state, ConformerState::shielded);
}

// A preset whose 1H has its own level: two shielding runs per conformer, each
// at its own level and folder, and every H takes the 1H run's shielding while
// O keeps the main run's.
TEST(PipelineRecovery, APresetWithA1HLevelOfItsOwnRunsTwoShieldingsAndTakesHFromIt) {
  Harness h;
  h.request.level = "1H:wp04/def2-svp;13C:pbe0/def2-svp";
  h.spec = resolve_job(h.request);
  ASSERT_EQ(h.ctx.preset().shielding_runs().size(), 2u);
  h.ctx.h1_shielding_basis =
      chem::choose_basis(chem::default_basis_library_dir(), "def2-svp", h.ctx.molecule.symbols);
  h.add_conformer(1, ConformerState::dft_selected);
  h.status.doc().erase("tool_versions");  // no TMS reference beside
  auto main = captured("nwchem/water_shielding_chcl3.out");
  auto h1 = main;
  for (auto [from, to] : {std::pair{"31.8068", "25.0000"}, std::pair{"31.8181", "26.0000"},
                          std::pair{"300.2704", "999.0000"}}) {
    const auto at = h1.stdout_text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    h1.stdout_text.replace(at, std::string(from).size(), to);
  }
  h.tools.script("nwchem_shielding_", {main});
  h.tools.script("nwchem_shielding_1h_", {h1});
  stage_shielding(h.ctx);
  const auto calls = h.nwchem_calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].log_name, "nwchem_shielding_conf_001");
  EXPECT_EQ(calls[1].log_name, "nwchem_shielding_1h_conf_001");
  EXPECT_NE(calls[0].input_text.find("xc pbe0"), std::string::npos) << calls[0].input_text;
  EXPECT_NE(calls[1].input_text.find("xc HFexch 0.1189"), std::string::npos) << calls[1].input_text;
  EXPECT_EQ(calls[1].cwd.filename(), "conf_001_1h");
  const auto& c = h.ctx.ensemble.conformers[0];
  ASSERT_EQ(c.state, ConformerState::shielded);
  ASSERT_EQ(c.shieldings.size(), 3u);
  EXPECT_NEAR(c.shieldings[0], 300.2704, 1e-9) << "O from the main level, not the 1H run's 999";
  EXPECT_NEAR(c.shieldings[1], 25.0, 1e-9);
  EXPECT_NEAR(c.shieldings[2], 26.0, 1e-9);
}

TEST(PipelineRecovery, MemoryFailureIsRetriedWithFewerRanksAndMoreMemoryEach) {
  Harness h(/*ranks=*/2);
  h.add_conformer(1, ConformerState::selected);
  h.tools.script("nwchem_opt_", {captured("nwchem/out_of_memory_ethanol.out", 255),
                                 captured("nwchem/water_opt_chcl3.out")});
  stage_dft_opt(h.ctx);
  ASSERT_EQ(h.nwchem_calls().size(), 2u);
  EXPECT_EQ(h.nwchem_calls()[0].ranks, 2);
  EXPECT_EQ(h.nwchem_calls()[1].ranks, 1);
  EXPECT_NE(h.nwchem_calls()[0].input_text.find("memory total 400 mb"), std::string::npos);
  EXPECT_NE(h.nwchem_calls()[1].input_text.find("memory total 800 mb"), std::string::npos)
      << "the same total memory on half the ranks";
  EXPECT_EQ(h.ctx.ensemble.conformers[0].state, ConformerState::dft_optimized);
}

TEST(PipelineRecovery, ScratchFailureFailsTheJobWithNwchemsLineTheFixAndTheLog) {
  Harness h;
  h.add_conformer(1, ConformerState::selected);
  h.add_conformer(2, ConformerState::selected);
  h.tools.script("nwchem_opt_", {captured("nwchem/scratch_inaccessible_water.out", 255)});
  try {
    stage_dft_opt(h.ctx);
    FAIL() << "a scratch failure must fail the job";
  } catch (const ToolError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("[scratch_inaccessible]"), std::string::npos) << m;
    EXPECT_NE(m.find("nwchem: \""), std::string::npos) << m;
    EXPECT_NE(m.find("scratch"), std::string::npos) << m;
    EXPECT_NE(m.find("log: " + (h.paths.logs() / "nwchem_opt_conf_001.out").string()),
              std::string::npos)
        << m;
  }
  EXPECT_EQ(h.nwchem_calls().size(), 1u) << "no retry and no second conformer";
}

TEST(PipelineRecovery, ResumeDoesNotRepeatAFinalFailureButRetriesAKilledRun) {
  Harness h;
  h.add_conformer(1, ConformerState::selected);
  h.add_conformer(2, ConformerState::selected);
  // Records as an interrupted earlier run left them.
  Conformer failed = h.ctx.ensemble.conformers[0];
  failed.state = ConformerState::dropped;
  failed.failure = ConformerFailure{"dft_opt", "opt_max_steps", "ran out of steps", "", "x", true};
  Conformer killed = h.ctx.ensemble.conformers[1];
  killed.state = ConformerState::dropped;
  killed.failure = ConformerFailure{"dft_opt", "killed", "killed", "", "y", false};
  for (const auto& c : {failed, killed}) {
    auto dir = h.paths.scratch() / "dft_opt" / conformer_dir_name(c.id);
    fs::create_directories(dir);
    queue::write_file_atomic(dir / "result.json", c.to_json().dump());
  }
  h.tools.script("nwchem_opt_", {captured("nwchem/water_opt_chcl3.out")});
  stage_dft_opt(h.ctx);
  ASSERT_EQ(h.nwchem_calls().size(), 1u);
  EXPECT_EQ(h.nwchem_calls()[0].log_name, "nwchem_opt_conf_002");
  EXPECT_EQ(h.ctx.ensemble.conformers[0].state, ConformerState::dropped);
  EXPECT_EQ(h.ctx.ensemble.conformers[1].state, ConformerState::dft_optimized);
}

TEST(PipelineRecovery, DroppedShieldingIsWeighedAndTheJobFailsAboveHalfTheWeight) {
  // Two conformers 0.5 kcal/mol apart: the dropped minimum carries ~70 %.
  Ensemble e;
  for (int id : {1, 2}) {
    Conformer c;
    c.id = id;
    c.dft_hartree = -76.0 + (id == 2 ? 0.5 / 627.5095 : 0.0);
    c.xtb_hartree = -5.0;
    c.state = id == 1 ? ConformerState::dropped : ConformerState::shielded;
    if (id == 1) c.failure = ConformerFailure{"shielding", "cphf_not_converged", "m", "", "l", true};
    e.conformers.push_back(c);
  }
  auto d = estimate_dropped_weight(e);
  EXPECT_EQ(d.energy_level, "DFT");
  EXPECT_EQ(d.ids, std::vector<int>{1});
  EXPECT_NEAR(d.weight, 1.0 / (1.0 + std::exp(-0.5 / (0.001987204 * 298.15))), 1e-9);
  EXPECT_GT(d.weight, kMaxDroppedWeight);
  // The other way round: the dropped conformer is the higher one, ~30 %.
  std::swap(e.conformers[0].state, e.conformers[1].state);
  std::swap(e.conformers[0].failure, e.conformers[1].failure);
  d = estimate_dropped_weight(e);
  EXPECT_EQ(d.ids, std::vector<int>{2});
  EXPECT_LT(d.weight, kMaxDroppedWeight);
  EXPECT_NEAR(d.weight, 1.0 / (1.0 + std::exp(0.5 / (0.001987204 * 298.15))), 1e-9);
}

TEST(PipelineRecovery, ShieldingFailureOfOneConformerCompletesWithAWarning) {
  Harness h;
  auto& a = h.add_conformer(1, ConformerState::dft_selected);
  a.dft_hartree = -75.0;  // the minimum survives
  auto& b = h.add_conformer(2, ConformerState::dft_selected);
  b.dft_hartree = -75.0 + 1.0 / 627.5095;
  h.tools.script("nwchem_shielding_conf_001", {captured("nwchem/water_shielding_chcl3.out")});
  h.tools.script("nwchem_shielding_conf_002", {captured("nwchem/water_scf_not_converged.out", 255)});
  stage_shielding(h.ctx);
  EXPECT_EQ(h.ctx.ensemble.conformers[0].state, ConformerState::shielded);
  EXPECT_EQ(h.ctx.ensemble.conformers[1].state, ConformerState::dropped);
  ASSERT_TRUE(h.ctx.ensemble.conformers[1].failure);
  EXPECT_EQ(h.ctx.ensemble.conformers[1].failure->kind, "scf_not_converged");
  // The average names the dropped conformer and its weight and goes on (the
  // TMS reference of the test level comes from its cache).
  // The version comes from the NWChem outputs the job has read.
  ASSERT_EQ(h.status.doc()["tool_versions"].value("nwchem", ""), "7.0.2");
  h.seed_tms_cache("7.0.2");
  stage_average(h.ctx);
  // conformer 1 once, conformer 2 twice (the SCF retry), no TMS run.
  EXPECT_EQ(h.nwchem_calls().size(), 3u);
  EXPECT_NEAR(h.ctx.ensemble.conformers[0].weight, 1.0, 1e-12);
  EXPECT_EQ(h.ctx.ensemble.results["h1_shifts"].size(), 2u);
  ASSERT_FALSE(h.ctx.ensemble.warnings.empty());
  EXPECT_NE(h.ctx.ensemble.warnings.back().find("conformer(s) 2"), std::string::npos)
      << h.ctx.ensemble.warnings.back();
  EXPECT_NE(h.ctx.ensemble.warnings.back().find("15.6%"), std::string::npos)
      << h.ctx.ensemble.warnings.back();
}

}  // namespace
}  // namespace qmnmr::runner

namespace qmnmr::runner {
namespace {

FakeResponse lasting(FakeResponse r, int ms) {
  r.takes = std::chrono::milliseconds(ms);
  return r;
}

TEST(PipelinePacking, TwoShieldingsRunSideBySideEachOnOneRank) {
  Harness h(2, std::nullopt);  // the plan's packing: 2 ranks, 2 shieldings -> 2 slots of 1 rank
  h.add_conformer(1, ConformerState::dft_selected);
  h.add_conformer(2, ConformerState::dft_selected);
  h.tools.script("nwchem_shielding_",
                 {lasting(captured("nwchem/water_shielding_chcl3.out"), 300)});
  stage_shielding(h.ctx);
  ASSERT_EQ(h.nwchem_calls().size(), 2u);
  EXPECT_EQ(h.tools.most_at_once.load(), 2) << "the two shieldings overlapped";
  for (const auto& call : h.nwchem_calls()) EXPECT_EQ(call.ranks, 1) << call.log_name;
  for (const auto& c : h.ctx.ensemble.conformers)
    EXPECT_EQ(c.state, ConformerState::shielded) << c.id;
  const auto& packing = h.status.doc()["packing"]["shielding"];
  EXPECT_EQ(packing["slots"], 2);
  EXPECT_EQ(packing["ranks_per_slot"], 1);
  EXPECT_FALSE(packing["reasons"].empty());
}

TEST(PipelinePacking, OptimisationsRunOneAfterAnotherOnEveryRankUnlessForced) {
  Harness h(2, std::nullopt);
  h.add_conformer(1, ConformerState::selected);
  h.add_conformer(2, ConformerState::selected);
  h.tools.script("nwchem_opt_", {lasting(captured("nwchem/water_opt_chcl3.out"), 100)});
  stage_dft_opt(h.ctx);
  EXPECT_EQ(h.tools.most_at_once.load(), 1);
  for (const auto& call : h.nwchem_calls()) EXPECT_EQ(call.ranks, 2) << call.log_name;
  EXPECT_EQ(h.status.doc()["packing"]["dft_opt"]["slots"], 1);

  Harness forced(2, 2);
  forced.add_conformer(1, ConformerState::selected);
  forced.add_conformer(2, ConformerState::selected);
  forced.tools.script("nwchem_opt_", {lasting(captured("nwchem/water_opt_chcl3.out"), 300)});
  stage_dft_opt(forced.ctx);
  EXPECT_EQ(forced.tools.most_at_once.load(), 2);
  for (const auto& call : forced.nwchem_calls()) EXPECT_EQ(call.ranks, 1) << call.log_name;
  EXPECT_EQ(forced.ctx.ensemble.conformers[0].state, ConformerState::dft_optimized);
  // The same water twice: the second collapsed onto the first's minimum.
  EXPECT_EQ(forced.ctx.ensemble.conformers[1].state, ConformerState::dft_duplicate);
}

TEST(PipelinePacking, OneSlotsFailureLeavesTheOtherToFinish) {
  Harness h(2, 2);
  h.add_conformer(1, ConformerState::selected);
  h.add_conformer(2, ConformerState::selected);
  // Conformer 1's SCF fails, and again after the rescue retry: it is dropped.
  h.tools.script("nwchem_opt_conf_001", {captured("nwchem/water_scf_not_converged.out", 255)});
  h.tools.script("nwchem_opt_conf_002", {lasting(captured("nwchem/water_opt_chcl3.out"), 300)});
  stage_dft_opt(h.ctx);
  int conf1_runs = 0;
  for (const auto& call : h.nwchem_calls()) conf1_runs += call.log_name.starts_with("nwchem_opt_conf_001");
  EXPECT_EQ(conf1_runs, 2) << "the run and its SCF rescue";
  EXPECT_EQ(h.ctx.ensemble.conformers[0].state, ConformerState::dropped);
  EXPECT_EQ(h.ctx.ensemble.conformers[0].failure->kind, "scf_not_converged");
  EXPECT_EQ(h.ctx.ensemble.conformers[1].state, ConformerState::dft_optimized);
  EXPECT_TRUE(fs::exists(h.paths.scratch() / "dft_opt/conf_002/result.json"));
}

TEST(PipelinePacking, AJobFailureInOneSlotLetsTheRunningOneFinishAndStartsNoOther) {
  Harness h(2, 2);
  for (int id : {1, 2, 3}) h.add_conformer(id, ConformerState::selected);
  h.tools.script("nwchem_opt_conf_001",
                 {lasting(captured("nwchem/scratch_inaccessible_water.out", 255), 300)});
  h.tools.script("nwchem_opt_conf_002", {lasting(captured("nwchem/water_opt_chcl3.out"), 600)});
  h.tools.script("nwchem_opt_conf_003", {captured("nwchem/water_opt_chcl3.out")});
  EXPECT_THROW(stage_dft_opt(h.ctx), ToolError);
  std::vector<std::string> names;
  for (const auto& call : h.nwchem_calls()) names.push_back(call.log_name);
  EXPECT_EQ(names, (std::vector<std::string>{"nwchem_opt_conf_001", "nwchem_opt_conf_002"}))
      << "conformer 3 never started";
  // Conformer 2 finished and was recorded: a resume takes it from its record.
  EXPECT_TRUE(fs::exists(h.paths.scratch() / "dft_opt/conf_002/result.json"));
  EXPECT_EQ(h.ctx.ensemble.conformers[1].state, ConformerState::dft_optimized);
}

TEST(PipelineMirrorImages, AMirrorConformerTakesItsPartnersResultsWithoutARunOfItsOwn) {
  Harness h(2, std::nullopt);
  h.add_conformer(1, ConformerState::selected);
  h.add_conformer(2, ConformerState::selected).mirror_of = 1;
  h.tools.script("nwchem_opt_", {captured("nwchem/water_opt_chcl3.out")});
  stage_dft_opt(h.ctx);
  ASSERT_EQ(h.nwchem_calls().size(), 1u);
  EXPECT_EQ(h.nwchem_calls()[0].log_name, "nwchem_opt_conf_001");
  EXPECT_EQ(h.status.doc()["packing"]["dft_opt"]["slots"], 1) << "one run: all ranks";
  const auto& one = h.ctx.ensemble.conformers[0];
  const auto& two = h.ctx.ensemble.conformers[1];
  // Water's mirror image is water itself, so it then collapses onto conformer 1;
  // a real mirror pair is two chiral conformers (chem::mirror_image_pairs).
  EXPECT_EQ(two.state, ConformerState::dft_duplicate);
  EXPECT_EQ(two.dft_opt_steps, 0);
  ASSERT_TRUE(two.dft_hartree);
  EXPECT_EQ(two.dft_hartree, one.dft_hartree);
  for (size_t i = 0; i < one.geometry.atoms.size(); ++i) {
    EXPECT_DOUBLE_EQ(two.geometry.atoms[i].x, -one.geometry.atoms[i].x);
    EXPECT_DOUBLE_EQ(two.geometry.atoms[i].y, one.geometry.atoms[i].y);
  }
  for (auto& c : h.ctx.ensemble.conformers) c.state = ConformerState::dft_selected;
  // No TMS reference beside (not this test's business): it is in the cache
  // under the version the optimisation's output named.
  h.seed_tms_cache("7.0.2");
  h.tools.script("nwchem_shielding_", {captured("nwchem/water_shielding_chcl3.out")});
  stage_shielding(h.ctx);
  ASSERT_EQ(h.nwchem_calls().size(), 2u);
  EXPECT_EQ(h.nwchem_calls()[1].log_name, "nwchem_shielding_conf_001");
  EXPECT_EQ(two.state, ConformerState::shielded);
  EXPECT_EQ(two.shieldings, one.shieldings);
  EXPECT_EQ(two.shieldings.size(), 3u);
}

TEST(PipelineMirrorImages, AMirrorOfADroppedConformerIsDroppedWithItsReason) {
  Harness h(2, std::nullopt);
  h.add_conformer(1, ConformerState::selected);
  h.add_conformer(2, ConformerState::selected).mirror_of = 1;
  h.tools.script("nwchem_opt_", {captured("nwchem/water_scf_not_converged.out", 255)});
  EXPECT_THROW(stage_dft_opt(h.ctx), ToolError) << "no conformer left";
  const auto& two = h.ctx.ensemble.conformers[1];
  EXPECT_EQ(two.state, ConformerState::dropped);
  ASSERT_TRUE(two.failure);
  EXPECT_NE(two.failure->message.find("mirror image of conformer 1"), std::string::npos)
      << two.failure->message;
  EXPECT_EQ(two.failure->kind, "scf_not_converged");
}

TEST(PipelineMirrorImages, ATwinWhosePartnerCollapsesFollowsWhatItCollapsedOntoAndKeepsItsWeight) {
  // Butane: conformers 1 and 2 optimise onto the same gauche minimum (one
  // captured test-preset run answers both), conformer 3 is the mirror image
  // of 2. Conformer 2 is a duplicate of 1; 3 is then the mirror image of 1 -
  // a minimum of its own, with its weight - not a conformer whose
  // calculation failed.
  Harness h(2, std::nullopt, "CCCC");
  h.add_conformer(1, ConformerState::selected);
  h.add_conformer(2, ConformerState::selected);
  h.add_conformer(3, ConformerState::selected).mirror_of = 2;
  h.tools.script("nwchem_opt_", {captured("nwchem/butane_gauche_opt_test.out")});
  stage_dft_opt(h.ctx);
  const auto& cs = h.ctx.ensemble.conformers;
  EXPECT_EQ(cs[0].state, ConformerState::dft_optimized);
  EXPECT_EQ(cs[1].state, ConformerState::dft_duplicate);
  ASSERT_EQ(cs[2].state, ConformerState::dft_optimized);
  EXPECT_EQ(cs[2].mirror_of, 1);
  stage_dft_filter(h.ctx);
  // No TMS reference beside: it is in the cache under the version the
  // optimisation's output named.
  h.seed_tms_cache("7.0.2");
  h.tools.script("nwchem_shielding_", {captured("nwchem/butane_gauche_shielding_test.out")});
  stage_shielding(h.ctx);
  ASSERT_EQ(cs[2].state, ConformerState::shielded) << (cs[2].failure ? cs[2].failure->message : "");
  EXPECT_TRUE(estimate_dropped_weight(h.ctx.ensemble).ids.empty());
  // Its shieldings are conformer 1's, atom for atom of its relabelled mirror image.
  ASSERT_EQ(cs[2].shieldings.size(), 14u);
  auto a = cs[0].shieldings, b = cs[2].shieldings;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b);
  int shielding_runs = 0;
  for (const auto& c : h.nwchem_calls()) shielding_runs += c.log_name.starts_with("nwchem_shielding_");
  EXPECT_EQ(shielding_runs, 1);
}

}  // namespace
}  // namespace qmnmr::runner

namespace qmnmr::runner {
namespace {

// An NWChem output of `g` in the lines chem::parse_nwchem_output reads - the
// header naming `version` (no version when empty), the coordinates, the
// energy, and "Optimization converged" or, given `isotropic` by element, each
// atom's shielding - for TMS, which no captured output covers.
std::string made_nwchem_output(const chem::Geometry& g, const std::string& version,
                               const std::map<std::string, double>& isotropic = {}) {
  std::string out = "              Northwest Computational Chemistry Package" +
                    (version.empty() ? std::string() : " (NWChem) " + version) + "\n\n";
  out += " Output coordinates in angstroms (scale by  1.889725989 to convert to a.u.)\n\n"
         "  No.       Tag          Charge          X              Y              Z\n"
         " ---- ---------------- ---------- -------------- -------------- --------------\n";
  char line[200];
  for (size_t i = 0; i < g.atoms.size(); ++i) {
    const auto& a = g.atoms[i];
    std::snprintf(line, sizeof line, "  %3zu %-16s %10.4f %14.8f %14.8f %14.8f\n", i + 1,
                  a.symbol.c_str(), 1.0, a.x, a.y, a.z);
    out += line;
  }
  out += "\n         Total DFT energy =    -448.123456789000\n";
  if (isotropic.empty()) {
    out += "\n      Optimization converged\n";
  } else {
    out += "\n          Chemical Shielding Tensors (GIAO, in ppm)\n";
    for (size_t i = 0; i < g.atoms.size(); ++i) {
      std::snprintf(line, sizeof line, "      Atom: %4zu  %s\n           isotropic = %12.4f\n",
                    i + 1, g.atoms[i].symbol.c_str(), isotropic.at(g.atoms[i].symbol));
      out += line;
    }
  }
  return out + "\n Total times  cpu:        0.4s     wall:        0.6s\n";
}

// The harness set for the TMS reference of the test level: xtb absent (the
// optimiser's own guess), and the TMS runs answered by made outputs naming
// `version`.
void script_tms_runs(Harness& h, const std::string& version) {
  FakeResponse no_xtb;
  no_xtb.cannot_start = true;
  h.tools.script("xtb_hessian_", {no_xtb});
  const auto tms = testing::molecule_from_smiles("C[Si](C)(C)C").geometry;
  h.tools.script("nwchem_tms_opt", {FakeResponse{made_nwchem_output(tms, version), 0, {}, {}}});
  h.tools.script("nwchem_tms_shielding",
                 {FakeResponse{made_nwchem_output(tms, version, {{"C", 190.5}, {"H", 31.25},
                                                                  {"Si", 400.0}}),
                               0, {}, {}}});
}

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

// A resumed job whose NWChem runs are done: the worker and `qmnmr run` keep
// the NWChem version the job recorded in status.json when they refresh the
// tool table (whose own "nwchem" entry is never there).
TEST(PipelineTmsReference, ARefreshedToolTableKeepsTheNwchemVersionTheJobRecorded) {
  const json found{{"xtb", "6.5.1"}, {"mpirun", "4.1.4"}, {"crest", nullptr}};
  const json recorded{{"nwchem", "7.0.2"}, {"xtb", "6.4.0"}};
  const json table = job_tool_versions(found, recorded);
  EXPECT_EQ(table.value("nwchem", ""), "7.0.2");
  EXPECT_EQ(table.value("xtb", ""), "6.5.1") << "the other programs as found now";
  EXPECT_TRUE(table["crest"].is_null());
  EXPECT_FALSE(job_tool_versions(found, json::object()).contains("nwchem"));
  EXPECT_FALSE(job_tool_versions(found, json()).contains("nwchem"));
}

// The status holds no NWChem version (a build that overwrote it on resume),
// but the job's logs hold its NWChem outputs: the reference is found in the
// cache under the version they name, and no NWChem runs.
TEST(PipelineTmsReference, AResumedJobFindsItsReferenceByTheVersionItsOutputsName) {
  Harness h;
  h.status.doc()["tool_versions"] = {{"xtb", "6.5.1"}};
  fs::create_directories(h.paths.logs());
  queue::write_file_atomic(h.paths.logs() / "nwchem_shielding_conf_001.out",
                           testing::test_data("nwchem/water_shielding_chcl3.out"));
  const auto key = h.seed_tms_cache("7.0.2", 31.5, 191.5);
  EXPECT_TRUE(tms_references_to_compute(h.ctx).empty()) << "it is in the cache";
  const auto sigma = tms_reference(h.ctx, h.ctx.preset().shielding);
  EXPECT_DOUBLE_EQ(sigma.at("H"), 31.5);
  EXPECT_DOUBLE_EQ(sigma.at("C"), 191.5);
  EXPECT_TRUE(h.nwchem_calls().empty()) << h.nwchem_calls().front().log_name;
  EXPECT_EQ(h.status.doc()["tool_versions"].value("nwchem", ""), "7.0.2");
  EXPECT_EQ(files_in(h.ctx.cache_dir), std::vector<std::string>{tms_cache_file_name(key)})
      << "no entry written";
}

// No version known before the TMS runs (no NWChem output yet, and an entry
// keyed "nwchem unknown" by an older build in the cache): the reference is
// computed and its entry is keyed by the version its own outputs name.
TEST(PipelineTmsReference, AComputedReferenceIsKeyedByTheVersionItsOutputsName) {
  Harness h;
  const auto unknown = h.seed_tms_cache("", 1.0, 2.0);
  ASSERT_NE(unknown.find("nwchem unknown"), std::string::npos);
  script_tms_runs(h, "7.1.9");
  const auto sigma = tms_reference(h.ctx, h.ctx.preset().shielding);
  EXPECT_DOUBLE_EQ(sigma.at("H"), 31.25) << "computed, not the unknown version's entry";
  EXPECT_DOUBLE_EQ(sigma.at("C"), 190.5);
  ASSERT_EQ(h.nwchem_calls().size(), 2u);
  const auto key = tms_cache_key(h.ctx.preset(), h.ctx.preset().shielding, h.ctx.solvent(), "7.1.9");
  const auto entry = h.ctx.cache_dir / tms_cache_file_name(key);
  ASSERT_TRUE(fs::exists(entry)) << "files: " << ::testing::PrintToString(files_in(h.ctx.cache_dir));
  const auto stored = json::parse(queue::read_file(entry));
  EXPECT_EQ(stored["key"], key);
  EXPECT_EQ(stored["nwchem_version"], "7.1.9");
  EXPECT_DOUBLE_EQ(stored["sigma_H"].get<double>(), 31.25);
  const auto left = json::parse(queue::read_file(h.ctx.cache_dir / tms_cache_file_name(unknown)));
  EXPECT_DOUBLE_EQ(left["sigma_H"].get<double>(), 1.0) << "the unknown entry is not rewritten";
}

// Outputs that name no version: the reference serves this job and is not cached.
TEST(PipelineTmsReference, AReferenceWhoseOutputsNameNoVersionIsNotCached) {
  Harness h;
  script_tms_runs(h, "");
  const auto sigma = tms_reference(h.ctx, h.ctx.preset().shielding);
  EXPECT_DOUBLE_EQ(sigma.at("H"), 31.25);
  EXPECT_EQ(h.nwchem_calls().size(), 2u);
  EXPECT_TRUE(files_in(h.ctx.cache_dir).empty())
      << ::testing::PrintToString(files_in(h.ctx.cache_dir));
}

TEST(PipelineMirrorImages, AConformerThatCollapsesOntoItsOwnTwinKeepsItsCalculation) {
  // Water's mirror image is water: conformer 2 (computed) and its twin 1 are
  // one minimum. Listed twin first, the twin would be kept as the original and
  // the conformer with the calculation removed, leaving nothing to shield.
  Harness h(2, std::nullopt);
  h.add_conformer(1, ConformerState::selected).mirror_of = 2;
  h.add_conformer(2, ConformerState::selected);
  h.tools.script("nwchem_opt_", {captured("nwchem/water_opt_chcl3.out")});
  stage_dft_opt(h.ctx);
  const auto& cs = h.ctx.ensemble.conformers;
  EXPECT_EQ(cs[0].state, ConformerState::dft_duplicate);
  EXPECT_EQ(cs[1].state, ConformerState::dft_optimized);
}

}  // namespace
}  // namespace qmnmr::runner
