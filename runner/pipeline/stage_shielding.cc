// Stage shielding: NWChem `property shielding` of each conformer in the DFT
// window, on its optimised geometry, recovered by failure class.
#include "runner/pipeline/conformer_checks.h"
#include "runner/pipeline/conformer_record.h"
#include "runner/pipeline/nwchem_run.h"
#include "runner/pipeline/stage_context.h"

namespace qmnmr::runner {

void stage_shielding(StageContext& ctx) {
  for (auto* c : ctx.ensemble.with_state(ConformerState::dft_selected)) {
    const std::string name = conformer_dir_name(c->id);
    auto dir = ctx.paths.scratch() / "shielding" / name;
    auto record = dir / "result.json";
    if (auto done = reusable_record(record)) {
      *c = *done;
      continue;
    }
    auto input = nwchem_input_for(ctx, ctx.molecule, c->geometry, chem::NwchemTask::shielding, dir);
    auto result = run_nwchem_recovering(ctx, "nwchem_shielding_" + name, dir, input, "shielding",
                                        "shielding of conformer " + std::to_string(c->id));
    if (!result.ok()) {
      drop_conformer(ctx, *c, *result.failure);
    } else {
      c->shieldings.clear();
      for (const auto& a : result.output.shieldings) c->shieldings.push_back(a.isotropic);
      // A fixed geometry had no optimisation: its energy is the shielding run's.
      if (!c->dft_hartree && result.output.total_energy) c->dft_hartree = *result.output.total_energy;
      c->state = ConformerState::shielded;
    }
    write_record(record, *c);
    ctx.publish_ensemble();
    ctx.status.save();
  }
}

}  // namespace qmnmr::runner
