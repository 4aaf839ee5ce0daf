// The DFT optimiser's first Hessian: GFN2-xTB's Cartesian Hessian (ALPB
// solvent) of the geometry the optimisation starts from, written where
// NWChem's driver reads it with `inhess 2`. NWChem's own guess is diagonal in
// the internal coordinates and far too stiff along torsions, so its steps fall
// short and each one costs a line search. Measured (2 ranks, draft level,
// butan-1-ol conformer 3 from its xTB geometry): 9 gradients and 17 SCFs,
// 101.3 s, with the diagonal guess; 5 gradients and 9 SCFs (every line search
// accepting the full step), 44.6 s, with xTB's Hessian, ending lower (by
// 1.2e-6 Hartree) and closer to the minimum (gmax 0.00001 vs 0.00007). The
// xTB Hessian took 3.3 s with the xTB optimisation.
#pragma once
#include <filesystem>
#include <string>

#include "chem/nwchem_input.h"
#include "runner/pipeline/stage_context.h"

namespace qmnmr::runner {

// Computes xTB's Hessian of `input.geometry` (in <dir>/xtb_hessian, logs
// xtb_hessian_<log_name>) and writes <permanent_dir>/<start_name>.hess for the
// input. True when written; false, with a warning in the job's log that
// quotes xtb, when xtb failed, could not start, or left no usable Hessian:
// the optimiser then starts from its diagonal guess (slower, the same
// minimum). Throws JobInterrupted on a stop request.
bool write_initial_hessian(StageContext& ctx, const std::string& log_name,
                           const std::filesystem::path& dir, const chem::NwchemInput& input);

}  // namespace qmnmr::runner
