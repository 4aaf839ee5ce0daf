// A lab's own calibration: shift = slope * shielding + intercept per nucleus,
// fitted by `qmnmr bench accuracy --write-calibration` on a set of measured
// shifts at one level of theory and one solvent, with the set's
// leave-one-compound-out errors as the uncertainty of each shift it makes.
// It applies only to the preset and solvent it was fitted at.
#pragma once
#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "chem/presets.h"
#include "chem/solvents.h"

namespace qmnmr::chem {

enum class Nucleus;

// Largest calibration document read (a --calibration file, an API field, a
// job's input): qmnmr writes one of under 1 kB.
inline constexpr std::size_t kMaxCalibrationBytes = 64 * 1024;
// Largest count in one (compounds, n): far beyond any set of measured shifts.
inline constexpr int kMaxCalibrationCount = 1'000'000;

struct CalibrationLine {
  double slope = 0, intercept = 0;
  int n = 0;                        // observations fitted (equivalent atoms averaged)
  double cv_mae = 0, cv_rmsd = 0;   // leave one compound out, ppm
  double in_sample_mae = 0, in_sample_rmsd = 0;
};

struct Calibration {
  std::string name;      // what results.json calls it (the file name when not given)
  std::string preset;    // preset name, e.g. "draft"
  std::string level;     // the preset's level label at fitting time
  std::string solvent;   // solvent key, e.g. "chcl3"
  std::string geometry;  // "fixed" (the set's geometries) or "optimise"
  std::string set;       // where the experimental shifts came from
  int compounds = 0;
  std::map<std::string, CalibrationLine> nuclei;  // "1H" / "13C"
  // How it was made, for a reader: the NWChem version, the date, the command,
  // the compounds (an object, carried as it is; empty = not recorded).
  nlohmann::json provenance = nlohmann::json::object();

  const CalibrationLine* line_for(Nucleus nucleus) const;
  nlohmann::json to_json() const;
};

// Reads a calibration document; throws ChemError naming `origin` (the file)
// and the missing or wrong field, also for a document larger than
// kMaxCalibrationBytes or a count that is not a whole number up to
// kMaxCalibrationCount.
Calibration calibration_from_json(const nlohmann::json& j, const std::string& origin);

// Throws ChemError when `c` was fitted at another level or solvent than the
// job's, naming both and the fix.
void check_calibration_applies(const Calibration& c, const Preset& preset, const Solvent& solvent);

}  // namespace qmnmr::chem
