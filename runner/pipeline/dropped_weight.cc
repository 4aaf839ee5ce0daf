// estimate_dropped_weight.
#include "runner/pipeline/dropped_weight.h"

#include "chem/ensemble.h"

namespace qmnmr::runner {

DroppedWeight estimate_dropped_weight(const Ensemble& ensemble) {
  std::vector<const Conformer*> pool;  // averaged + dropped in the DFT stages
  DroppedWeight d;
  for (const auto& c : ensemble.conformers) {
    bool dropped_in_dft = c.state == ConformerState::dropped && c.failure &&
                          (c.failure->stage == "dft_opt" || c.failure->stage == "shielding");
    if (c.state == ConformerState::shielded || dropped_in_dft) pool.push_back(&c);
    if (dropped_in_dft) d.ids.push_back(c.id);
  }
  if (d.ids.empty()) {
    d.energy_level = "none";
    return d;
  }
  bool all_dft = true, all_xtb = true;
  for (const auto* c : pool) {
    all_dft = all_dft && c->dft_hartree.has_value();
    all_xtb = all_xtb && c->xtb_hartree.has_value();
  }
  if (!all_dft && !all_xtb) {
    // No common energy (a single conformer without xTB): all or nothing.
    d.energy_level = "none";
    d.weight = static_cast<double>(d.ids.size()) / static_cast<double>(pool.size());
    return d;
  }
  d.energy_level = all_dft ? "DFT" : "xTB";
  std::vector<double> energies;
  for (const auto* c : pool) energies.push_back(all_dft ? *c->dft_hartree : *c->xtb_hartree);
  auto w = chem::boltzmann_weights(energies);
  for (size_t i = 0; i < pool.size(); ++i)
    if (pool[i]->state == ConformerState::dropped) d.weight += w[i];
  return d;
}

}  // namespace qmnmr::runner
