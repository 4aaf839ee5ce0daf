// Checks a conformer's new geometry against the molecule after xTB or DFT:
// the same bonds (a proton transfer or a ring opening makes another molecule)
// and the same stereo (an inverted centre makes another stereoisomer). A
// conformer that fails is dropped with the reason, never mapped onto the
// input graph.
#pragma once
#include <optional>
#include <string>

#include "runner/pipeline/stage_context.h"

namespace qmnmr::runner {

// The failure to record, or nullopt when the geometry is still the molecule.
std::optional<ConformerFailure> structure_changed(const chem::Molecule& molecule,
                                                  const chem::Geometry& geometry,
                                                  const std::string& stage,
                                                  const std::string& log);

// Marks the conformer dropped with `failure`, logs it and saves the ensemble
// into status.json.
void drop_conformer(StageContext& ctx, Conformer& conformer, ConformerFailure failure);

}  // namespace qmnmr::runner
