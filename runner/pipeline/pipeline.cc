// run_pipeline: the stage machine over the stage table, done-records and resume.
#include "runner/pipeline/pipeline.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <set>

#include <spdlog/spdlog.h>

#include "chem/basis_library.h"
#include "chem/clustering.h"
#include "chem/ensemble.h"
#include "chem/error.h"
#include "chem/stereo.h"
#include "chem/presets.h"
#include "queue/atomic_file.h"
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

// Elements a level can run: its basis, or the heavy-element fallback.
std::set<std::string> runnable_elements(const fs::path& dir, std::string_view basis,
                                        const std::set<std::string>& heavy) {
  auto out = chem::elements_in_basis(dir, basis);
  out.insert(heavy.begin(), heavy.end());
  return out;
}

std::set<std::string> allowed_elements(const chem::Preset& preset) {
  auto dir = chem::default_basis_library_dir();
  auto heavy = chem::elements_in_basis(dir, chem::kHeavyElementBasis);
  auto geo = runnable_elements(dir, preset.geometry.basis, heavy);
  auto shield = runnable_elements(dir, preset.shielding.basis, heavy);
  std::set<std::string> both;
  std::set_intersection(geo.begin(), geo.end(), shield.begin(), shield.end(),
                        std::inserter(both, both.begin()));
  return both;
}

chem::Molecule load_molecule_for(const chem::MoleculeInput& input, const chem::Preset& preset,
                                 chem::StereoPolicy stereo) {
  chem::LoadOptions options;
  options.stereo = stereo;
  options.allowed_elements = allowed_elements(preset);
  options.basis_description = (preset.geometry.basis == preset.shielding.basis
                                   ? std::string(preset.geometry.basis)
                                   : std::string(preset.geometry.basis) + " and " +
                                         std::string(preset.shielding.basis)) +
                              " (or " + std::string(chem::kHeavyElementBasis) +
                              " for the elements they lack)";
  return chem::load_molecule(input, options);
}

// Resolves once which basis each element of the molecule gets at each level,
// and says so when an element is not on the level's own basis.
void choose_bases(StageContext& ctx) {
  auto dir = chem::default_basis_library_dir();
  ctx.geometry_basis = chem::choose_basis(dir, ctx.preset().geometry.basis, ctx.molecule.symbols);
  ctx.shielding_basis =
      chem::choose_basis(dir, ctx.preset().shielding.basis, ctx.molecule.symbols);
  for (const auto* choice : {&ctx.geometry_basis, &ctx.shielding_basis}) {
    if (choice->fallback.empty()) continue;
    if (choice == &ctx.shielding_basis && ctx.shielding_basis.basis == ctx.geometry_basis.basis)
      continue;  // said once
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
  return std::string(level.functional) + "/" + std::string(level.basis);
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

namespace {

// The job's molecule and, with --stereoisomers all when the input leaves more
// than one, the stereoisomers to compute (then the molecule is as given).
// Each form of the molecule is loaded once.
struct ResolvedMolecule {
  chem::Molecule molecule;
  std::vector<std::string> isomers;
};

ResolvedMolecule resolve_molecule(const chem::MoleculeInput& input, const chem::Preset& preset,
                                  bool all_stereoisomers) {
  try {
    return {load_molecule_for(input, preset, chem::StereoPolicy::fix_enantiomer_or_refuse), {}};
  } catch (const chem::ChemError&) {
    if (!all_stereoisomers) throw;
    // Ambiguous stereo, or another problem, which this load reports.
    auto as_given = load_molecule_for(input, preset, chem::StereoPolicy::keep);
    auto isomers = stereoisomers_to_run(as_given);
    if (isomers.size() <= 1) throw;  // not a stereo ambiguity: the first error stands
    return {std::move(as_given), std::move(isomers)};
  }
}

// An open shell is computed only when asked for: NWChem's shieldings here
// (odft) leave out the paramagnetic terms, and the DELTA50 regressions and the
// uncertainties were fitted on closed shells, so its shifts would look as
// trustworthy as the others and not be.
void check_open_shell(const chem::Molecule& molecule, bool asked) {
  if (molecule.multiplicity == 1 || asked) return;
  throw chem::ChemError(
      "the molecule has multiplicity " + std::to_string(molecule.multiplicity) +
      " (an open shell: a radical or a triplet), and NWChem's shieldings here lack the "
      "paramagnetic terms such a molecule needs, while the regressions and their uncertainties "
      "were fitted on closed shells; give the closed-shell molecule (check --charge and "
      "--multiplicity), or ask for it anyway with --open-shell (API: \"open_shell\": true): its "
      "shifts are then taken against TMS with no regression and no uncertainty");
}

}  // namespace

chem::Molecule load_request_molecule(const JobRequest& request) {
  auto molecule = resolve_molecule(request.molecule, chem::find_preset(request.preset),
                                   request.stereoisomers == "all")
                      .molecule;
  check_open_shell(molecule, request.open_shell);
  return molecule;
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
    auto resolved = resolve_molecule(spec.molecule, *spec.preset,
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
            Ensemble::from_json(json::parse(read_text(done_record(paths, last))).at("ensemble"));
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
      status.end_step(name, label, started_at, seconds);
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
