// structure_changed and drop_conformer.
#include "runner/pipeline/conformer_checks.h"

#include "chem/stereo.h"
#include "chem/topology.h"

namespace qmnmr::runner {

std::optional<ConformerFailure> structure_changed(const chem::Molecule& molecule,
                                                  const chem::Geometry& geometry,
                                                  const std::string& stage,
                                                  const std::string& log) {
  auto join = [](const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += (out.empty() ? "" : "; ") + l;
    return out;
  };
  if (auto bonds = chem::topology_changes(molecule, geometry); !bonds.empty())
    return ConformerFailure{stage, "topology_changed",
                            "its bonds changed during " + stage + " (" + join(bonds) +
                                "): it is no longer the input molecule, so it was dropped",
                            "", log, true};
  if (auto stereo = chem::stereo_changes(molecule, geometry); !stereo.empty())
    return ConformerFailure{stage, "stereo_changed",
                            "its stereochemistry changed during " + stage + " (" + join(stereo) +
                                "): it is another stereoisomer, so it was dropped",
                            "", log, true};
  return std::nullopt;
}

void drop_conformer(StageContext& ctx, Conformer& conformer, ConformerFailure failure) {
  ctx.log->warn("conformer {} dropped in {}: {} [{}]{}", conformer.id, failure.stage,
                failure.message, failure.kind,
                failure.program_line.empty() ? "" : " (program: " + failure.program_line + ")");
  conformer.state = ConformerState::dropped;
  conformer.failure = std::move(failure);
  ctx.publish_ensemble();
}

}  // namespace qmnmr::runner
