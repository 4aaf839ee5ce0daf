// JobSpec: a JobRequest resolved once, at the pipeline's boundary, into types:
// the preset and solvent rows, the conformer mode as an enum. The stages read
// the spec and never look a name up again.
#pragma once
#include <optional>
#include <string_view>

#include "chem/calibration.h"
#include "chem/molecule.h"
#include "chem/presets.h"
#include "chem/solvents.h"
#include "runner/pipeline/job_request.h"

namespace qmnmr::runner {

enum class ConformerMode { single, rdkit, crest };
enum class StereoisomerMode { one, all };
// optimise: DFT optimisation of each conformer; fixed: the input geometry as
// it is (only the shielding runs); xtb: each conformer's GFN2-xTB minimum
// (ALPB solvent) is the geometry the shieldings are computed on, no DFT
// optimisation.
enum class GeometryMode { optimise, fixed, xtb };

std::string_view conformer_mode_name(ConformerMode mode);

struct JobSpec {
  chem::MoleculeInput molecule;
  chem::Preset preset;                     // a row of chem::all_presets(), or the job's own levels
  const chem::Solvent* solvent = nullptr;  // a row of chem::all_solvents()
  ConformerMode conformers = ConformerMode::rdkit;
  int max_conformers = 8;
  StereoisomerMode stereoisomers = StereoisomerMode::one;
  GeometryMode geometry = GeometryMode::optimise;
  std::optional<chem::Calibration> calibration;  // checked to apply to the preset and solvent
  bool open_shell = false;  // a multiplicity > 1 was asked for (JobRequest::open_shell)
};

// Checks and resolves the request; throws chem::ChemError or
// std::invalid_argument naming the fix.
JobSpec resolve_job(const JobRequest& request);

}  // namespace qmnmr::runner
