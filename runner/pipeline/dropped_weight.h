// How much of the ensemble the dropped conformers carried: the Boltzmann
// weight of the conformers that failed in the DFT stages, estimated from the
// last energies every candidate has (DFT when all of them reached one, else
// xTB), against the conformers that were averaged. The job fails when that
// weight is above kMaxDroppedWeight: the averaged shifts would then describe
// the minority of the molecules in solution.
#pragma once
#include <string>
#include <vector>

#include "runner/pipeline/ensemble.h"

namespace qmnmr::runner {

// Half the population: above it, the survivors no longer represent the
// ensemble; at or below, the result stands with a warning naming the dropped
// conformers.
inline constexpr double kMaxDroppedWeight = 0.5;

struct DroppedWeight {
  double weight = 0;           // 0..1
  std::vector<int> ids;        // conformers dropped in dft_opt or shielding
  std::string energy_level;    // "DFT" | "xTB" | "none" (no energies to compare)
};

DroppedWeight estimate_dropped_weight(const Ensemble& ensemble);

}  // namespace qmnmr::runner
