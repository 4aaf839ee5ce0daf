// Stage dft_filter: the DFT energy window (3 kcal/mol above the minimum);
// a fixed geometry or xTB minima pass as they are.
#include <algorithm>

#include "chem/ensemble.h"
#include "runner/pipeline/stage_context.h"

namespace qmnmr::runner {

void stage_dft_filter(StageContext& ctx) {
  auto opt = ctx.ensemble.with_state(ConformerState::dft_optimized);
  // One given geometry, or xTB minima: no DFT energies to compare yet.
  if (ctx.spec.geometry != GeometryMode::optimise) {
    for (auto* c : opt) c->state = ConformerState::dft_selected;
    return;
  }
  double emin = 1e300;
  for (auto* c : opt) emin = std::min(emin, *c->dft_hartree);
  for (auto* c : opt)
    c->state = (*c->dft_hartree - emin) * chem::kHartreeToKcal > chem::kDftWindowKcal
                   ? ConformerState::dft_window_rejected
                   : ConformerState::dft_selected;
}

}  // namespace qmnmr::runner
