// Stage dft_opt: the NWChem optimisation of each selected conformer (preset
// geometry level, COSMO), packed into slots, recovered by failure class; the optimised geometry
// is checked against the molecule's bonds and stereo; conformers that
// collapsed onto the same minimum are removed.
#include <set>

#include "chem/clustering.h"
#include "chem/ensemble.h"
#include "chem/error.h"
#include "runner/pipeline/conformer_checks.h"
#include "runner/pipeline/conformer_record.h"
#include "runner/pipeline/nwchem_run.h"
#include "runner/pipeline/mirror_images.h"
#include "runner/pipeline/pipeline.h"
#include "runner/pipeline/slot_pool.h"
#include "runner/pipeline/stage_context.h"
#include "runner/pipeline/stage_slots.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;

void stage_dft_opt(StageContext& ctx) {
  auto& e = ctx.ensemble;
  if (ctx.spec.geometry == GeometryMode::fixed) {
    // The input geometry is the one to compute (optimised elsewhere, or a
    // benchmark's fixed geometry): nothing moves it.
    if (!ctx.molecule.geometry_given)
      throw chem::ChemError(
          "--geometry fixed needs the input's own 3D coordinates, and this input has none (a "
          "2D SDF); give a 3D SDF or an XYZ file, or use --geometry optimise");
    for (auto* c : e.with_state(ConformerState::selected)) c->state = ConformerState::dft_optimized;
    ctx.log->info("dft_opt: geometry fixed, the input geometry is used as it is");
    return;
  }
  if (ctx.spec.geometry == GeometryMode::xtb) {
    // The xTB minima are the geometries; their shielding runs' DFT energies weight them.
    for (auto* c : e.with_state(ConformerState::selected)) c->state = ConformerState::dft_optimized;
    ctx.log->info("dft_opt: geometry xtb, the GFN2-xTB minima are used as they are");
    return;
  }
  // Finished (or failed for good) before: taken from the record; the rest run
  // packed into slots.
  std::vector<Conformer*> pending;
  for (auto* c : e.with_state(ConformerState::selected)) {
    if (c->mirror_of) continue;  // takes its partner's result below
    if (auto done = reusable_record(ctx.paths.scratch() / "dft_opt" /
                                    conformer_dir_name(c->id) / "result.json"))
      *c = *done;
    else
      pending.push_back(c);
  }
  const auto slots = stage_slots(ctx, "dft_opt", RunKind::optimisation, static_cast<int>(pending.size()));
  SlotPool pool(slots.slots, slots.ranks_per_slot);
  pool.run(pending.size(), [&](size_t i) {
    Conformer* c = pending[i];
    auto [result, dir] = run_conformer(ctx, *c, chem::NwchemTask::optimize, pool.ranks_now());
    std::optional<ConformerFailure> failure = result.failure;
    if (!failure) {
      chem::check_geometry_matches(ctx.molecule, *result.output.final_geometry);
      failure = structure_changed(ctx.molecule, *result.output.final_geometry, "dft_opt",
                                  result.attempts.back().at("log").get<std::string>());
    }
    std::lock_guard lock(ctx.mutex);
    c->dft_opt_steps = result.optimisation_steps;
    if (result.output.total_energy) c->dft_hartree = *result.output.total_energy;
    if (failure) {
      drop_conformer(ctx, *c, *failure);
    } else {
      c->geometry = *result.output.final_geometry;
      c->state = ConformerState::dft_optimized;
    }
    write_record(dir / "result.json", *c);
    ctx.publish_ensemble();
    ctx.status.save();
  });
  complete_mirror_optimisations(ctx);
  auto opt = e.with_state(ConformerState::dft_optimized);
  if (opt.empty()) {
    std::string why;
    for (const auto& c : e.conformers)
      if (c.failure && (c.failure->stage == "dft_opt") && why.empty()) why = c.failure->message;
    throw ToolError("no conformer reached a DFT-optimised geometry" +
                    (why.empty() ? std::string() : "; the first failure: " + why));
  }
  // CREST and RDKit ensembles can hold saddle points that optimise onto the
  // same minimum: remove those before the window and the weights.
  std::vector<chem::Geometry> geoms;
  std::vector<double> energies;
  for (auto* c : opt) {
    geoms.push_back(c->geometry);
    energies.push_back(*c->dft_hartree);
  }
  auto collapsed = collapsed_conformers(ctx.molecule, geoms, energies);
  for (auto it = collapsed.begin(); it != collapsed.end();) {
    auto [i, onto] = *it;
    if (opt[onto]->mirror_of == opt[i]->id) {
      // A computed conformer collapsed onto its own twin (an achiral minimum):
      // the one with the calculation stays and the twin is the copy.
      opt[onto]->state = ConformerState::dft_duplicate;
      ctx.log->info("conformer {}, the mirror image of conformer {}, is the same minimum: removed",
                    opt[onto]->id, opt[i]->id);
      it = collapsed.erase(it);
      continue;
    }
    ++it;
  }
  for (auto [i, onto] : collapsed) {
    opt[i]->state = ConformerState::dft_duplicate;
    ctx.log->info("conformer {} collapsed onto the minimum of conformer {}: removed", opt[i]->id,
                  opt[onto]->id);
  }
  // A mirror twin whose partner collapsed onto another minimum is the mirror
  // image of that one: it takes that one's results from now on and keeps its
  // own weight (unless that one is itself a twin, whose mirror image is its
  // partner: then the twin is a copy of that).
  for (auto [i, onto] : collapsed)
    for (auto* twin : opt)
      if (twin->state == ConformerState::dft_optimized && twin->mirror_of == opt[i]->id) {
        if (opt[onto]->mirror_of) {
          twin->state = ConformerState::dft_duplicate;
          ctx.log->info("conformer {}, the mirror image of conformer {}, is a copy of conformer {}: "
                        "removed", twin->id, opt[i]->id, *opt[onto]->mirror_of);
        } else {
          twin->mirror_of = opt[onto]->id;
          ctx.log->info("conformer {} is now the mirror image of conformer {}, onto which its "
                        "partner {} collapsed", twin->id, opt[onto]->id, opt[i]->id);
        }
      }
}

}  // namespace qmnmr::runner
