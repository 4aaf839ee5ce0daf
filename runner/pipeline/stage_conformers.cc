// Stage conformers: the candidates - one geometry (single), the RDKit search
// (ETKDGv3 + MMFF) or CREST; without CREST the RDKit search runs and the job
// says so.
#include <cstdlib>

#include "chem/conformers.h"
#include "chem/crest.h"
#include "chem/ensemble.h"
#include "chem/error.h"
#include "chem/reference_labelling.h"
#include "container/supervisor.h"
#include "queue/atomic_file.h"
#include "runner/pipeline/conformer_checks.h"
#include "runner/pipeline/program_text.h"
#include "runner/pipeline/stage_context.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;

namespace {

// CREST's conformers, or false when CREST is not installed.
bool crest_conformers(StageContext& ctx, const fs::path& dir) {
  auto crest = container::find_program("crest", std::getenv("PATH") ? std::getenv("PATH") : "");
  if (!crest) return false;
  auto cdir = dir / "crest";
  fs::create_directories(cdir);
  queue::write_file_atomic(cdir / "input.xyz", chem::to_xyz(ctx.molecule.geometry, "input"));
  int uhf = ctx.molecule.multiplicity - 1;
  auto argv = chem::crest_argv("input.xyz", ctx.solvent(), ctx.molecule.charge, uhf,
                               ctx.tools.context().plan.omp_threads, chem::kXtbWindowKcal);
  auto run = ctx.tools.run("crest", argv, cdir, ctx.tools.openmp_environment());
  if (!run.ok() || !fs::exists(cdir / "crest_conformers.xyz"))
    throw ToolError("crest failed (" + run.outcome.describe() + "): " + program_said(run) +
                    "; see " + run.stdout_path.string());
  auto frames = chem::parse_crest_conformers(read_text(cdir / "crest_conformers.xyz"));
  if (frames.empty()) throw ToolError("crest wrote no conformers; see " + run.stdout_path.string());
  int id = 1;
  for (auto& f : frames) {
    chem::check_geometry_matches(ctx.molecule, f.geometry);
    Conformer c;
    c.id = id++;
    c.geometry = f.geometry;
    ctx.ensemble.conformers.push_back(std::move(c));
  }
  ctx.ensemble.conformer_source = "crest";
  return true;
}

void rdkit_conformers(StageContext& ctx) {
  if (!ctx.molecule.bond_orders_known)
    throw chem::ChemError(
        "the RDKit conformer search needs bond orders, and none could be assigned to this XYZ "
        "input (check --charge, or give the molecule as SMILES or SDF); --conformers single "
        "works without them");
  chem::ConformerOptions options;
  options.threads = ctx.tools.context().plan.omp_threads;
  int id = 1;
  for (auto& g : chem::generate_conformers(ctx.molecule, options)) {
    Conformer c;
    c.id = id++;
    c.geometry = g.geometry;
    c.mmff_kcal = g.mmff_energy_kcal;
    ctx.ensemble.conformers.push_back(std::move(c));
  }
  if (ctx.ensemble.conformer_source.empty()) ctx.ensemble.conformer_source = "rdkit";
}

}  // namespace

void stage_conformers(StageContext& ctx) {
  auto dir = ctx.paths.scratch() / "conformers";
  fs::create_directories(dir);
  auto& e = ctx.ensemble;
  e.conformers.clear();
  switch (ctx.spec.conformers) {
    case ConformerMode::crest:
      if (crest_conformers(ctx, dir)) break;
      e.warn("crest is not installed (not on PATH): used the RDKit + xTB conformer search instead");
      ctx.log->warn("{}", e.warnings.back());
      e.conformer_source = "rdkit (crest unavailable)";
      rdkit_conformers(ctx);
      break;
    case ConformerMode::rdkit:
      rdkit_conformers(ctx);
      break;
    case ConformerMode::single: {
      Conformer c;
      c.id = 1;
      c.geometry = ctx.molecule.geometry;
      e.conformers.push_back(std::move(c));
      e.conformer_source = "single";
      break;
    }
  }
  // One labelling for every conformer: ETKDG and CREST place the two H of a
  // CH2, the two methyls of an isopropyl, or a whole half of a molecule either
  // way round (a conformer may be the mirror image of the reference's
  // labelling). Each is renumbered by the automorphism that gives it the
  // molecule's own local parities, so that an atom index means the same
  // diastereotopic position in every conformer and the per-atom Boltzmann
  // average never mixes two of them. One that no relabelling matches is
  // another stereoisomer and is dropped.
  const chem::ReferenceLabelling labelling(ctx.molecule);
  int relabelled = 0;
  for (auto& c : e.conformers) {
    auto r = labelling.align(c.geometry);
    if (!r.same_configuration()) {
      drop_conformer(ctx, c,
                     ConformerFailure{"conformers", "configuration_differs",
                                      r.search_capped
                                          ? "no relabelling onto the molecule's own was found "
                                            "within the search limit, so its diastereotopic atoms "
                                            "could not be matched: it was dropped"
                                          : "its configuration differs from the molecule's at " +
                                                std::to_string(r.configuration_mismatches) +
                                                " centre(s) or double bond(s) whatever the "
                                                "numbering: it is another stereoisomer, so it was "
                                                "dropped",
                                      "", "", true});
      continue;
    }
    for (size_t i = 0; i < r.source.size(); ++i)
      if (r.source[i] != static_cast<int>(i)) {
        ++relabelled;
        break;
      }
    c.geometry = std::move(r.geometry);
  }
  if (e.with_state(ConformerState::generated).empty())
    throw chem::ChemError("none of the " + std::to_string(e.conformers.size()) +
                          " conformers has the molecule's configuration; see the job's log");
  for (const auto& c : e.conformers)  // the ones kept, in the molecule's numbering
    if (c.state == ConformerState::generated)
      queue::write_file_atomic(dir / (conformer_dir_name(c.id) + ".xyz"), chem::to_xyz(c.geometry));
  ctx.log->info("conformers: {} from {} ({} renumbered onto the molecule's labelling)",
                e.conformers.size(), e.conformer_source, relabelled);
}

}  // namespace qmnmr::runner
