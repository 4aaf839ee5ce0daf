// resolve_job: the one place a request's names become types.
#include "runner/pipeline/job_spec.h"

#include <stdexcept>

namespace qmnmr::runner {

std::string_view conformer_mode_name(ConformerMode mode) {
  switch (mode) {
    case ConformerMode::single: return "single";
    case ConformerMode::rdkit: return "rdkit";
    case ConformerMode::crest: return "crest";
  }
  return "rdkit";
}

JobSpec resolve_job(const JobRequest& request) {
  check_request_settings(request);
  JobSpec spec;
  spec.molecule = request.molecule;
  spec.preset = request_preset(request);
  spec.solvent = &chem::find_solvent(request.solvent);
  for (auto mode : {ConformerMode::single, ConformerMode::rdkit, ConformerMode::crest})
    if (conformer_mode_name(mode) == request.conformers) spec.conformers = mode;
  spec.max_conformers = request.max_conformers;
  spec.stereoisomers =
      request.stereoisomers == "all" ? StereoisomerMode::all : StereoisomerMode::one;
  spec.geometry = request.geometry == "fixed"      ? GeometryMode::fixed
                  : spec.preset.geometry_from_xtb ? GeometryMode::xtb
                                                  : GeometryMode::optimise;
  spec.open_shell = request.open_shell;
  if (!request.calibration.is_null())  // check_request_settings checked that it applies
    spec.calibration = chem::calibration_from_json(request.calibration, "of the job");
  return spec;
}

}  // namespace qmnmr::runner
