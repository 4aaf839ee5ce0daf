// run_pipeline: the stage machine over the stage table, done-records and resume.
#include "runner/pipeline/pipeline.h"

#include <algorithm>
#include <chrono>
#include <set>

#include <sys/resource.h>

#include <spdlog/spdlog.h>

#include "chem/basis_library.h"
#include "chem/clustering.h"
#include "chem/ensemble.h"
#include "chem/error.h"
#include "chem/stereo.h"
#include "chem/presets.h"
#include "queue/atomic_file.h"
#include "queue/json_limits.h"
#include "runner/pipeline/request_molecule.h"
#include "runner/pipeline/stage_context.h"
#include "runner/pipeline/stereoisomers.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr double kDuplicateRmsd = 0.125;  // Angstrom: collapsed onto one minimum
// With energies this close: 1.5x the largest disagreement measured between two
// copies of one minimum (a mirror pair of butan-1-ol conformers at the draft
// level, 0.39 kcal/mol, from NWChem's orientation-dependent grid and COSMO
// surface; README, "Packing and mirror images").
constexpr double kDuplicateEnergyKcal = 0.6;

constexpr Stage kStages[] = {
    {"prepare", "Preparing the molecule", stage_prepare},
    {"conformers", "Searching conformers", stage_conformers},
    {"xtb", "Ranking conformers with GFN2-xTB", stage_xtb},
    {"dft_opt", "Optimising geometries with DFT", stage_dft_opt},
    {"dft_filter", "Filtering conformers by DFT energy", stage_dft_filter},
    {"shielding", "Computing NMR shieldings", stage_shielding},
    {"average", "Boltzmann averaging and shifts", stage_average},
    {"report", "Writing results", stage_report},
};

fs::path done_record(const JobPaths& paths, std::string_view stage) {
  return paths.scratch() / std::string(stage) / "done.json";
}

// CPU seconds (user + system) of this process's finished programs and their
// reaped descendants - for mpirun, every rank it ran. The worker runs one job
// at a time, so a stage's difference is the stage's own programs' time.
double children_cpu_seconds() {
  struct rusage usage {};
  ::getrusage(RUSAGE_CHILDREN, &usage);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(usage.ru_utime) + secs(usage.ru_stime);
}

// Resolves once which basis each element of the molecule gets at each level,
// and says so when an element is not on the level's own basis.
void choose_bases(StageContext& ctx) {
  auto dir = chem::default_basis_library_dir();
  auto choose = [&](const chem::Level& level) {
    return chem::choose_basis(dir, level.basis, ctx.molecule.symbols, level.element_basis);
  };
  ctx.geometry_basis = choose(ctx.preset().geometry);
  ctx.shielding_basis = choose(ctx.preset().shielding);
  if (ctx.preset().shielding_runs().size() > 1)
    ctx.h1_shielding_basis = choose(*ctx.preset().h1_shielding);
  std::set<std::string> said;
  for (const auto* choice : {&ctx.geometry_basis, &ctx.shielding_basis,
                             ctx.h1_shielding_basis ? &*ctx.h1_shielding_basis : nullptr}) {
    if (!choice || choice->fallback.empty()) continue;
    if (!said.insert(choice->basis).second) continue;  // said once
    std::string elements;
    for (const auto& [element, basis] : choice->fallback)
      elements += (elements.empty() ? "" : ", ") + element;
    ctx.ensemble.warn(choice->basis + " has no basis for " + elements + " in NWChem's library; " +
                      (choice->fallback.size() > 1 ? "they get " : "it gets ") +
                      std::string(chem::kHeavyElementBasis) + " and every other atom keeps " +
                      choice->basis);
  }
}

}  // namespace

std::span<const Stage> stage_table() { return kStages; }

std::string read_text(const fs::path& path) { return queue::read_file(path); }

std::string level_label(const chem::Level& level) {
  return std::string(level.functional->key) + "/" + level.basis_label();
}

const chem::BasisChoice& StageContext::basis_for(const chem::Level& level) const {
  if (&level == &preset().geometry) return geometry_basis;
  if (h1_shielding_basis && preset().h1_shielding && &level == &*preset().h1_shielding)
    return *h1_shielding_basis;
  return shielding_basis;
}

void StageContext::publish_ensemble() {
  status.doc()["conformer_ensemble"] = ensemble.to_json()["conformers"];
  status.doc()["warnings"] = ensemble.warnings;
}

const std::vector<std::pair<std::string, std::string>>& pipeline_stages() {
  static const std::vector<std::pair<std::string, std::string>> stages = [] {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& s : kStages) out.emplace_back(s.name, s.label);
    return out;
  }();
  return stages;
}

std::string last_finished_stage(const JobPaths& paths) {
  std::string last;
  for (const auto& s : kStages)
    if (fs::exists(done_record(paths, s.name))) last = s.name;
    else break;
  return last;
}

std::map<size_t, size_t> collapsed_conformers(const chem::Molecule& molecule,
                                              const std::vector<chem::Geometry>& geometries,
                                              const std::vector<double>& energies_hartree) {
  if (geometries.size() != energies_hartree.size())
    throw std::invalid_argument("collapsed_conformers: one energy per geometry");
  std::vector<double> kcal;
  for (double e : energies_hartree) kcal.push_back(e * chem::kHartreeToKcal);
  auto onto = chem::duplicate_of(molecule, geometries, kcal, kDuplicateRmsd, kDuplicateEnergyKcal);
  std::map<size_t, size_t> removed;
  for (size_t i = 0; i < geometries.size(); ++i)
    if (onto[i] != i) removed[i] = onto[i];
  return removed;
}

PipelineResult run_pipeline(const JobRequest& request, const JobPaths& paths, StatusFile& status,
                            ToolRunner& tools, const fs::path& cache_dir,
                            const PipelineHooks& hooks) {
  auto log = tools.log();
  std::string current = "prepare";
  try {
    paths.create();
    const JobSpec spec = resolve_job(request);  // the one place names become types
    auto resolved = resolve_molecule(spec.molecule, spec.preset,
                                     spec.stereoisomers == StereoisomerMode::all);
    check_open_shell(resolved.molecule, spec.open_shell);
    if (!resolved.isomers.empty())
      return run_stereoisomers(request, resolved.isomers, paths, status, tools, cache_dir, hooks);
    StageContext ctx{spec,  paths, status, tools, fs::absolute(cache_dir),
                     std::move(resolved.molecule), {}, log, {}, {}, {}};
    choose_bases(ctx);
    status.doc()["resource_plan"] = tools.context().plan.to_json();
    if (!ctx.solvent().note.empty()) ctx.ensemble.warn(std::string(ctx.solvent().note));

    // Resume: load the ensemble of the last finished stage.
    size_t start = 0;
    auto last = last_finished_stage(paths);
    for (size_t i = 0; i < std::size(kStages); ++i)
      if (kStages[i].name == last) {
        ctx.ensemble =
            Ensemble::from_json(queue::read_json_file(done_record(paths, last)).at("ensemble"));
        start = i + 1;
        log->info("resuming after stage {}", last);
      }
    for (size_t i = start; i < std::size(kStages); ++i) {
      const Stage& stage = kStages[i];
      const std::string name(stage.name), label(stage.label);
      current = name;
      if (hooks.stage_started) hooks.stage_started(name);
      auto started_at = iso_now();
      auto t0 = std::chrono::steady_clock::now();
      const double cpu0 = children_cpu_seconds();
      status.begin_step(name, label);
      log->info("stage {}: {}", name, label);
      fs::create_directories(paths.scratch() / name);
      stage.run(ctx);
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      queue::write_file_atomic(done_record(paths, name),
                               json{{"stage", name},
                                    {"completed_at", iso_now()},
                                    {"duration_seconds", seconds},
                                    {"ensemble", ctx.ensemble.to_json()}}
                                   .dump(1));
      ctx.publish_ensemble();
      status.end_step(name, label, started_at, seconds, children_cpu_seconds() - cpu0);
      if (hooks.stage_done) hooks.stage_done(name);
    }
    status.doc()["status"] = "complete";
    status.doc()["completed_at"] = iso_now();
    status.doc()["current_step"] = "complete";
    status.doc()["current_step_label"] = "Complete";
    status.save();
    log->info("job complete");
    return PipelineResult::complete;
  } catch (const JobInterrupted& e) {
    log->warn("stage {} interrupted: {}", current, e.what());
    status.doc()["interrupted_at_stage"] = current;
    status.save();
    return PipelineResult::interrupted;
  } catch (const std::exception& e) {
    std::string message = std::string(e.what());
    log->error("stage {} failed: {}", current, message);
    status.doc()["failed_stage"] = current;
    status.fail(message);
    return PipelineResult::failed;
  }
}

}  // namespace qmnmr::runner
