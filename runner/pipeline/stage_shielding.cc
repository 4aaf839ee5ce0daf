// Stage shielding: NWChem `property shielding` of each conformer in the DFT
// window, on its optimised geometry, recovered by failure class; the runs are
// packed into slots, and the TMS references, when the shifts need them and the
// cache lacks them, run beside them. A preset whose 1H has a level of its own
// runs a second shielding per conformer there; each atom keeps the shielding
// of its nucleus's level (H from the 1H run, every other atom from the main one).
#include <optional>
#include <vector>

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
  const auto levels = ctx.preset().shielding_runs();
  auto [result, dir] =
      run_conformer(ctx, c, chem::NwchemTask::shielding, pool.ranks_now(), levels.front());
  std::optional<ConformerRun> h1;
  if (result.ok() && levels.size() > 1)
    h1 = run_conformer(ctx, c, chem::NwchemTask::shielding, pool.ranks_now(), levels.back());
  std::lock_guard lock(ctx.mutex);
  if (!result.ok() || (h1 && !h1->result.ok())) {
    drop_conformer(ctx, c, result.ok() ? *h1->result.failure : *result.failure);
  } else {
    c.shieldings.clear();
    for (size_t i = 0; i < result.output.shieldings.size(); ++i)
      c.shieldings.push_back(h1 && ctx.molecule.symbols[i] == "H"
                                 ? h1->result.output.shieldings[i].isotropic
                                 : result.output.shieldings[i].isotropic);
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
  const auto tms = pending.empty() ? std::vector<const chem::Level*>{}
                                    : tms_references_to_compute(ctx);
  const size_t runs = pending.size() + tms.size();
  const auto slots = stage_slots(ctx, "shielding", RunKind::shielding, static_cast<int>(runs));
  // The TMS references (an optimisation and a shielding each) first: the longest chains.
  SlotPool pool(slots.slots, slots.ranks_per_slot);
  pool.run(runs, [&](size_t i) {
    if (i < tms.size())  // cached for the average stage
      tms_reference(ctx, *tms[i], [&] { return pool.ranks_now(); });
    else
      shield_conformer(ctx, *pending[i - tms.size()], pool);
  });
  complete_mirror_shieldings(ctx);
}

}  // namespace qmnmr::runner
