// Mirror-image conformers, computed once. In an achiral solvent two enantiomeric
// geometries have the same energy and the same shieldings, atom by atom, so of
// a mirror pair among the conformers sent to DFT only one is optimised and
// shielded; the other takes the mirror image of its optimised geometry, its
// energy and its shieldings, and keeps its own Boltzmann weight (the pair
// weighs twice). Molecules with stereo labels are left alone (a mirror image
// would invert a labelled centre); see chem::mirror_image_pairs.
#pragma once
#include <vector>

#include "runner/pipeline/stage_context.h"

namespace qmnmr::runner {

// Among the xTB stage's unique conformers (before the cap): sets mirror_of on
// each one whose mirror image is another, lower-energy one of them. Returns how
// many were marked.
int mark_mirror_images(StageContext& ctx, const std::vector<Conformer*>& conformers);

// After the DFT optimisations: each mirror conformer takes its partner's result
// (or, when the partner was dropped, the partner's failure).
void complete_mirror_optimisations(StageContext& ctx);

// After the shieldings: likewise for the shieldings.
void complete_mirror_shieldings(StageContext& ctx);

}  // namespace qmnmr::runner
