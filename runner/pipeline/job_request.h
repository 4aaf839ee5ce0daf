// JobRequest: what one job asks for (the molecule and how to treat it), as
// given on the command line, stored in input.json and in the queue. Checked
// before any program starts: parse_request rejects unknown keys and bad
// values with a message that names the fix.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "chem/molecule.h"
#include "chem/presets.h"

namespace qmnmr::runner {

// The ranges of a request's integers wherever they come from (the command
// line, the API, input.json, a queue row). A JSON integer is checked against
// them before it becomes an int: get<int>() would narrow 4294967296 to 0.
inline constexpr int kMaxAbsCharge = 100;     // qmnmr computes at most 100 heavy atoms
inline constexpr int kMaxMultiplicity = 101;  // 100 unpaired electrons

struct JobRequest {
  chem::MoleculeInput molecule;
  std::string solvent = "chcl3";
  std::string preset = "production";
  std::string conformers = "rdkit";  // single | rdkit | crest
  int max_conformers = 8;
  // one: unspecified stereo is fixed when it only picks an enantiomer, refused
  // otherwise; all: every stereoisomer is its own ensemble and shift set.
  std::string stereoisomers = "one";
  // optimise: conformers are searched and DFT-optimised; fixed: the given XYZ/SDF
  // geometry is taken as it is and only the shielding runs on it (a geometry
  // optimised elsewhere, or a benchmark on fixed geometries).
  std::string geometry = "optimise";
  // The job's own levels of theory instead of the preset's (chem::
  // preset_with_levels: "pbe0/def2-svp//b3lyp/6-31G*", or a shielding per
  // nucleus); "" = the preset's. The preset's grids and optimiser criteria
  // stay.
  std::string level;
  // A lab calibration document (chem/calibration.h), carried whole so that a
  // worker on another host needs no file; null = the preset's own conversion.
  nlohmann::json calibration;
  // An open-shell molecule (multiplicity > 1) is computed only when asked for:
  // its shieldings lack the paramagnetic terms and no regression fits it.
  bool open_shell = false;

  // input.json: {"smiles"|"xyz"|"sdf": text, "name", "charge", "multiplicity",
  // "solvent", "preset", "conformer_mode", "max_conformers", "stereoisomers",
  // "geometry", "level", "calibration", "open_shell"}; the last five only when not at
  // their defaults, so older inputs stay equal.
  nlohmann::json to_json() const;
};

// Reads input.json (or a queue row); throws std::invalid_argument naming
// the key at fault.
JobRequest request_from_json(const nlohmann::json& j);

// The preset with the request's own levels, if it names any.
chem::Preset request_preset(const JobRequest& request);

// Checks settings that need no chemistry: solvent, preset and conformer
// mode exist, max_conformers >= 1, charge and multiplicity in range. Throws chem::ChemError or
// std::invalid_argument with a message naming the fix.
void check_request_settings(const JobRequest& request);

}  // namespace qmnmr::runner
