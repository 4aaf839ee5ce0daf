// Stage prepare: the molecule (loaded and checked before any stage) is
// recorded: its starting geometry and what status.json says of it.
#include <nlohmann/json.hpp>

#include "queue/atomic_file.h"
#include "runner/pipeline/stage_context.h"

namespace qmnmr::runner {

void stage_prepare(StageContext& ctx) {
  auto dir = ctx.paths.scratch() / "prepare";
  std::filesystem::create_directories(dir);
  queue::write_file_atomic(dir / "start.xyz",
                           chem::to_xyz(ctx.molecule.geometry, ctx.molecule.canonical_smiles));
  for (const auto& note : ctx.molecule.input_notes) {
    ctx.log->info("{}", note);
    ctx.ensemble.warn(note);
  }
  for (const auto& note : ctx.molecule.stereo_notes) {
    ctx.log->info("{}", note);
    ctx.ensemble.warn(note);
  }
  ctx.status.doc()["molecule"] = {{"canonical_smiles", ctx.molecule.canonical_smiles},
                                  {"atoms", ctx.molecule.atom_count()},
                                  {"heavy_atoms", ctx.molecule.heavy_atom_count()},
                                  {"charge", ctx.molecule.charge},
                                  {"multiplicity", ctx.molecule.multiplicity}};
}

}  // namespace qmnmr::runner
