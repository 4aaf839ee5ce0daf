// A request's molecule loaded and checked the way every client (the command
// line, `qmnmr serve`, batch) and the prepare stage need it: the elements both
// basis sets of the preset cover, the charge, multiplicity and size, the stereo
// resolved, or, with --stereoisomers all, the stereoisomers to compute. No
// program runs, so the API's submission check links without the stage machine.
#pragma once
#include <string>
#include <vector>

#include "chem/molecule.h"
#include "chem/presets.h"
#include "runner/pipeline/job_request.h"

namespace qmnmr::runner {

// Most stereoisomers one job computes.
inline constexpr size_t kMaxStereoisomers = 8;

// The isomeric SMILES to compute for `molecule` loaded with its stereo left
// as given: one entry per enantiomer pair. Throws chem::ChemError above
// kMaxStereoisomers, naming the count.
std::vector<std::string> stereoisomers_to_run(const chem::Molecule& molecule);

// The job's molecule and, with --stereoisomers all when the input leaves more
// than one, the stereoisomers to compute (then the molecule is as given).
// Each form of the molecule is loaded once.
struct ResolvedMolecule {
  chem::Molecule molecule;
  std::vector<std::string> isomers;
};
// `embed` false: no starting geometry for SMILES or 2D SDF input (chem::LoadOptions::embed).
ResolvedMolecule resolve_molecule(const chem::MoleculeInput& input, const chem::Preset& preset,
                                  bool all_stereoisomers, bool embed = true);

// An open shell (multiplicity > 1) unless `asked`: throws chem::ChemError
// naming --open-shell. NWChem's shieldings here (odft) leave out the
// paramagnetic terms, and the DELTA50 regressions and the uncertainties were
// fitted on closed shells, so its shifts would look as trustworthy as the
// others and not be.
void check_open_shell(const chem::Molecule& molecule, bool asked);

// Loads and checks the request's molecule: parsed, elements covered by both
// basis sets of the preset, charge and multiplicity consistent, stereo
// resolved (or refused), an open shell only when asked for (check_open_shell).
// Throws chem::ChemError naming the fix. No program runs.
// The checks before a job is queued pass `embed` false: the worker embeds.
chem::Molecule load_request_molecule(const JobRequest& request, bool embed = true);

}  // namespace qmnmr::runner
