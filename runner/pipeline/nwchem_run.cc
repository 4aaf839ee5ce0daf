// run_nwchem_recovering: NWChem runs, failure classes and the retry by class.
#include "runner/pipeline/nwchem_run.h"

#include <algorithm>

#include "queue/atomic_file.h"
#include "runner/pipeline/initial_hessian.h"
#include "runner/pipeline/program_text.h"
#include "runner/pipeline/run_cache.h"
#include "runner/pipeline/tool_versions.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using chem::NwchemFailure;

namespace {

// status.json's record of every NWChem run (the worker hands it to the queue's
// figures, queue/job_figures.h). The caller holds ctx.mutex.
void note_nwchem_run(nlohmann::json& doc, const std::string& stage, const std::string& failure,
                     bool cached, double seconds) {
  auto& runs = doc["nwchem_runs"];
  if (!runs.is_array()) runs = nlohmann::json::array();
  runs.push_back({{"stage", stage}, {"failure", failure}, {"cached", cached},
                  {"seconds", seconds}});
}

constexpr int kMaxRuns = 4;            // the first run and up to three retries
constexpr int kMaxContinuations = 2;   // optimisation restarts from the last geometry

// Failures no retry fixes and that every conformer would share.
bool fails_the_job(NwchemFailure f) {
  return f == NwchemFailure::scratch_inaccessible || f == NwchemFailure::basis_missing ||
         f == NwchemFailure::input_rejected;
}

std::string message_for(const std::string& what, const chem::NwchemOutput& out,
                        const ToolRun& run, const std::string& failure_kind) {
  std::string m = "nwchem " + what + " failed [" + failure_kind + "]";
  if (out.error) m += ": " + *out.error;
  if (!out.fix.empty() && (!out.error || out.error->find(out.fix) == std::string::npos))
    m += "; fix: " + out.fix;
  if (!out.nwchem_line.empty()) m += " (nwchem: \"" + out.nwchem_line + "\")";
  else if (auto said = program_said(run); !said.empty()) m += " (last line: \"" + said + "\")";
  m += "; log: " + run.stdout_path.string();
  return m;
}

std::string run_suffix(int attempt) {
  return attempt == 1 ? "" : "_retry" + std::to_string(attempt - 1);
}

// Where earlier, interrupted runs of this optimisation got to: the last
// geometry and the steps taken (their outputs are in the job's logs; a
// finished or finally failed optimisation has a record and is not run again),
// so that a resume does not start over.
struct Interrupted {
  std::optional<chem::Geometry> geometry;
  int steps = 0;
};
Interrupted interrupted_runs(StageContext& ctx, const std::string& log_name, size_t atoms) {
  Interrupted found;
  for (int attempt = 1; attempt <= kMaxRuns; ++attempt) {
    auto path = ctx.tools.context().logs_dir / (log_name + run_suffix(attempt) + ".out");
    if (!fs::exists(path)) continue;
    auto out = chem::parse_nwchem_output(read_text(path));
    if (!out.final_geometry || out.final_geometry->atoms.size() != atoms) continue;
    found.geometry = out.final_geometry;
    found.steps += out.optimization_steps;
  }
  return found;
}

}  // namespace

chem::NwchemInput nwchem_input_for(const StageContext& ctx, const chem::Molecule& molecule,
                                   const chem::Geometry& geometry, chem::NwchemTask task,
                                   const fs::path& dir, const chem::Level* level_given) {
  chem::NwchemInput in;
  in.title = molecule.name.empty() ? molecule.canonical_smiles : molecule.name;
  in.geometry = geometry;
  in.charge = molecule.charge;
  in.multiplicity = molecule.multiplicity;
  const auto& level = level_given ? *level_given
                      : task == chem::NwchemTask::optimize ? ctx.preset().geometry
                                                           : ctx.preset().shielding;
  in.functional = level.functional;
  in.basis = level.basis;
  in.element_basis = ctx.basis_for(level).element_basis();
  in.grid = std::string(level.grid);
  in.solvent = &ctx.solvent();
  in.memory_mb = ctx.tools.context().plan.nwchem_memory_mb_per_rank;
  const fs::path root = fs::absolute(dir);
  in.scratch_dir = root / "scratch";
  in.permanent_dir = root / "perm";
  in.task = task;
  if (task == chem::NwchemTask::optimize) {
    in.max_opt_steps = chem::optimisation_step_budget(geometry.atoms.size());
    // Measured (scripts/bench-optimiser): NWChem's redundant internal coordinates
    // converge in fewer steps than Cartesians from force-field geometries.
    in.internal_coordinates = true;
    in.opt_convergence = std::string(level.opt_convergence);
  }
  fs::create_directories(in.scratch_dir);
  fs::create_directories(in.permanent_dir);
  return in;
}

void start_from_optimisation(const StageContext& ctx, chem::NwchemInput& input,
                             const fs::path& opt_dir, const chem::Level& level) {
  if (ctx.preset().geometry.basis != level.basis ||
      ctx.geometry_basis.element_basis() != ctx.basis_for(level).element_basis())
    return;
  const fs::path movecs = fs::absolute(opt_dir) / "perm" / (input.start_name + ".movecs");
  std::error_code ec;
  if (fs::is_regular_file(movecs, ec)) input.start_orbitals = movecs;
}

ConformerRun run_conformer(StageContext& ctx, const Conformer& conformer, chem::NwchemTask task,
                           int ranks, const chem::Level* level) {
  Conformer work;
  {
    std::lock_guard lock(ctx.mutex);
    work = conformer;
  }
  const bool opt = task == chem::NwchemTask::optimize;
  const std::string name = conformer_dir_name(work.id);
  const chem::Level& run_level = level ? *level
                                 : opt ? ctx.preset().geometry
                                       : ctx.preset().shielding;
  // The main levels keep their folders; a 1H level of its own gets one beside them.
  const bool own_h1 = !opt && &run_level != &ctx.preset().shielding;
  auto dir = ctx.paths.scratch() / (opt ? "dft_opt" : "shielding") / (name + (own_h1 ? "_1h" : ""));
  auto input = nwchem_input_for(ctx, ctx.molecule, work.geometry, task, dir, &run_level);
  if (!opt)
    start_from_optimisation(ctx, input, ctx.paths.scratch() / "dft_opt" / name, run_level);
  auto result = run_nwchem_recovering(
      ctx, (opt ? "nwchem_opt_" : own_h1 ? "nwchem_shielding_1h_" : "nwchem_shielding_") + name,
      dir, input, opt ? "dft_opt" : "shielding",
      (opt ? "optimisation of conformer " : own_h1 ? "1H shielding of conformer "
                                                   : "shielding of conformer ") +
          std::to_string(work.id),
      ranks);
  return {std::move(result), dir};
}

NwchemResult run_nwchem_recovering(StageContext& ctx, const std::string& log_name,
                                   const fs::path& dir, chem::NwchemInput input,
                                   const std::string& stage, const std::string& what,
                                   std::optional<int> ranks) {
  fs::create_directories(dir);
  NwchemResult result;
  std::optional<int> max_ranks = ranks;
  int continuations = 0;
  bool scf_rescued = false, fewer_ranks_tried = false;
  if (input.task == chem::NwchemTask::optimize)
    if (auto earlier = interrupted_runs(ctx, log_name, input.geometry.atoms.size());
        earlier.geometry) {
      input.geometry = *earlier.geometry;
      result.optimisation_steps = earlier.steps;
      ctx.log->info("{}: resuming from the last geometry of the interrupted run ({} steps)", what,
                    earlier.steps);
    }
  // The same calculation finished before (this data root's cache): not run again.
  const auto& cache_dir = ctx.tools.context().run_cache_dir;
  std::optional<RunCacheKey> cache_key;
  if (!cache_dir.empty() && !nwchem_identity().empty()) {
    cache_key = run_cache_key(chem::write_nwchem_input(input), nwchem_identity());
    if (auto hit = cached_run(cache_dir, *cache_key)) {
      const auto entry = cache_dir / (cache_key->hash + ".json");
      ctx.log->info("{}: reused from the run cache ({})", what, entry.string());
      {
        std::lock_guard lock(ctx.mutex);
        if (!hit->nwchem_version.empty())
          ctx.status.doc()["tool_versions"]["nwchem"] = hit->nwchem_version;  // keys the TMS cache
        note_nwchem_run(ctx.status.doc(), stage, "none", true, 0);
      }
      result.output = hit->output;
      result.nwchem_version = hit->nwchem_version;
      result.optimisation_steps += hit->output.optimization_steps;
      result.attempts.push_back({{"run", 0},
                                 {"log", entry.string()},
                                 {"cached", true},
                                 {"failure", "none"},
                                 {"optimisation_steps", hit->output.optimization_steps},
                                 {"seconds", 0}});
      return result;
    }
  }
  // The optimiser's first Hessian, of the geometry it starts from (a resumed
  // run's last one included).
  if (input.task == chem::NwchemTask::optimize)
    input.initial_hessian = write_initial_hessian(ctx, log_name, dir, input);
  for (int attempt = 1; attempt <= kMaxRuns; ++attempt) {
    const std::string suffix = run_suffix(attempt);
    auto input_path = dir / ("nwchem" + suffix + ".nw");
    queue::write_file_atomic(input_path, chem::write_nwchem_input(input));
    auto run = ctx.tools.run_nwchem(log_name + suffix, input_path, max_ranks);
    const std::string text = read_text(run.stdout_path);
    auto out = chem::parse_nwchem_output(text, read_text(run.stderr_path));
    result.optimisation_steps += out.optimization_steps;
    result.nwchem_version = nwchem_version_from_output(text);
    {
      std::lock_guard lock(ctx.mutex);
      auto& doc = ctx.status.doc();
      if (!result.nwchem_version.empty())
        doc["tool_versions"]["nwchem"] = result.nwchem_version;  // keys the TMS cache
      if (out.nproc) doc["nwchem_actual_processes"] = *out.nproc;
      if (out.memory) doc["nwchem_actual_memory_mb"] = out.memory->total_mb;
    }

    NwchemFailure failure = out.failure;
    // A clean exit with a complete output is success; anything else is a failure
    // of some class, even when NWChem printed no signature of its own.
    bool usable = run.ok() && out.ok();
    if (usable && input.task == chem::NwchemTask::optimize)
      usable = out.optimization_converged && out.final_geometry && out.total_energy;
    if (usable && input.task == chem::NwchemTask::shielding)
      usable = out.shieldings.size() == input.geometry.atoms.size();
    std::string kind = usable ? "none" : std::string(chem::failure_name(failure));
    if (!usable && failure == NwchemFailure::none) kind = "incomplete_output";
    if (!usable && run.timed_out()) kind = "time_limit";
    else if (!usable && run.signalled() && failure == NwchemFailure::truncated) kind = "killed";
    result.attempts.push_back({{"run", attempt},
                               {"log", run.stdout_path.string()},
                               {"ranks", run.ranks},
                               {"memory_mb_per_rank", input.memory_mb},
                               {"outcome", run.outcome.describe()},
                               {"failure", kind},
                               {"optimisation_steps", out.optimization_steps},
                               {"seconds", run.outcome.seconds},
                               {"cpu_seconds", run.outcome.cpu_seconds}});
    {
      // Per stage, every attempt: what the bench counts as a level's cost.
      std::lock_guard lock(ctx.mutex);
      auto& cpu = ctx.status.doc()["nwchem_cpu_seconds"];
      if (!cpu.is_object()) cpu = nlohmann::json::object();
      cpu[stage] = cpu.value(stage, 0.0) + run.outcome.cpu_seconds;
      auto& wall = ctx.status.doc()["nwchem_wall_seconds"];
      if (!wall.is_object()) wall = nlohmann::json::object();
      wall[stage] = wall.value(stage, 0.0) + run.outcome.seconds;
      note_nwchem_run(ctx.status.doc(), stage, kind, false, run.outcome.seconds);
    }
    result.output = out;
    if (usable) {
      if (cache_key) store_run(cache_dir, *cache_key, out, result.nwchem_version);
      return result;
    }

    const std::string message = message_for(what, out, run, kind);
    ctx.log->warn("{}", message);
    if (fails_the_job(failure)) throw ToolError(message);
    if (kind == "time_limit") {
      result.failure = ConformerFailure{stage, kind, message, out.nwchem_line,
                                        run.stdout_path.string(), false};
      return result;
    }
    // Act by class.
    if (failure == NwchemFailure::opt_max_steps && out.final_geometry &&
        continuations < kMaxContinuations) {
      ++continuations;
      input.geometry = *out.final_geometry;
      // The fallback: a continuation leaves NWChem's internal coordinates for
      // Cartesians; measured (scripts/bench-optimiser), internals that use up a
      // whole budget are oscillating (camphor), where Cartesians converge.
      input.internal_coordinates = false;
      input.initial_hessian = false;  // it belongs to the first geometry
      ctx.log->info("{}: continuing from the last geometry ({} steps so far)", what,
                    result.optimisation_steps);
      continue;
    }
    // Internals NWChem cannot build (collinear chains): the same start in
    // Cartesians, which need none.
    if (failure == NwchemFailure::internal_coordinates && input.internal_coordinates) {
      input.internal_coordinates = false;
      ctx.log->info("{}: retrying in Cartesian coordinates (NWChem could not build internal "
                    "coordinates: {})", what, out.nwchem_line);
      continue;
    }
    if ((failure == NwchemFailure::scf_not_converged ||
         failure == NwchemFailure::cphf_not_converged) &&
        !scf_rescued) {
      scf_rescued = true;
      input.scf_rescue = true;
      // A CPHF under COSMO that does not converge converges with `direct`.
      if (failure == NwchemFailure::cphf_not_converged) input.direct = true;
      input.start_orbitals.clear();  // from NWChem's own guess this time
      if (input.task == chem::NwchemTask::optimize && out.final_geometry) {
        input.geometry = *out.final_geometry;
        input.initial_hessian = false;  // it belongs to the first geometry
      }
      ctx.log->info("{}: retrying with damping, a level shift and more SCF iterations{}", what,
                    input.direct ? ", integrals direct" : "");
      continue;
    }
    if ((failure == NwchemFailure::out_of_memory || failure == NwchemFailure::mpi_error ||
         kind == "killed") &&
        !fewer_ranks_tried && run.ranks > 1) {
      fewer_ranks_tried = true;
      int ranks = failure == NwchemFailure::mpi_error ? 1 : std::max(1, run.ranks / 2);
      input.memory_mb = input.memory_mb * run.ranks / ranks;  // the same total, more per rank
      max_ranks = ranks;
      ctx.log->info("{}: retrying with {} rank(s) of {} MB", what, ranks, input.memory_mb);
      continue;
    }
    // Out of retries for this class: final unless it may pass another time.
    bool final = !(kind == "killed" || failure == NwchemFailure::mpi_error);
    result.failure =
        ConformerFailure{stage, kind, message, out.nwchem_line, run.stdout_path.string(), final};
    return result;
  }
  const auto& last = result.attempts.back();
  result.failure = ConformerFailure{stage, last.at("failure").get<std::string>(),
                                    "nwchem " + what + " failed after " +
                                        std::to_string(kMaxRuns) + " runs; log: " +
                                        last.at("log").get<std::string>(),
                                    result.output.nwchem_line, last.at("log").get<std::string>(),
                                    true};
  return result;
}

}  // namespace qmnmr::runner
