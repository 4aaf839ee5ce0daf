// Stage shielding: NWChem `property shielding` of each conformer in the DFT
// window, on its optimised geometry, recovered by failure class; the runs are
// packed into slots, and the TMS reference, when the shifts need it and the
// cache lacks it, runs beside them as one more.
#include "runner/pipeline/conformer_checks.h"
#include "runner/pipeline/conformer_record.h"
#include "runner/pipeline/mirror_images.h"
#include "runner/pipeline/nwchem_run.h"
#include "runner/pipeline/slot_pool.h"
#include "runner/pipeline/stage_context.h"
#include "runner/pipeline/stage_slots.h"
#include "runner/pipeline/tms_reference.h"

namespace qmnmr::runner {

namespace {

void shield_conformer(StageContext& ctx, Conformer& c, const SlotPool& pool) {
  auto [result, dir] = run_conformer(ctx, c, chem::NwchemTask::shielding, pool.ranks_now());
  std::lock_guard lock(ctx.mutex);
  if (!result.ok()) {
    drop_conformer(ctx, c, *result.failure);
  } else {
    c.shieldings.clear();
    for (const auto& a : result.output.shieldings) c.shieldings.push_back(a.isotropic);
    // A fixed geometry had no optimisation: its energy is the shielding run's.
    if (!c.dft_hartree && result.output.total_energy) c.dft_hartree = *result.output.total_energy;
    c.state = ConformerState::shielded;
  }
  write_record(dir / "result.json", c);
  ctx.publish_ensemble();
  ctx.status.save();
}

}  // namespace

void stage_shielding(StageContext& ctx) {
  std::vector<Conformer*> pending;
  for (auto* c : ctx.ensemble.with_state(ConformerState::dft_selected)) {
    if (c->mirror_of) continue;  // takes its partner's shieldings below
    if (auto done = reusable_record(ctx.paths.scratch() / "shielding" /
                                    conformer_dir_name(c->id) / "result.json"))
      *c = *done;
    else
      pending.push_back(c);
  }
  const bool tms = !pending.empty() && tms_reference_to_compute(ctx);
  const size_t runs = pending.size() + (tms ? 1 : 0);
  const auto slots = stage_slots(ctx, "shielding", RunKind::shielding, static_cast<int>(runs));
  // The TMS reference (an optimisation and a shielding) first: the longest chain.
  SlotPool pool(slots.slots, slots.ranks_per_slot);
  pool.run(runs, [&](size_t i) {
    if (tms && i == 0)
      tms_reference(ctx, [&] { return pool.ranks_now(); });  // cached for the average stage
    else
      shield_conformer(ctx, *pending[i - (tms ? 1 : 0)], pool);
  });
  complete_mirror_shieldings(ctx);
}

}  // namespace qmnmr::runner
