// Shielding -> chemical shift, per nucleus at the level that nucleus's
// shieldings come from. A lab's own calibration (chem/calibration.h) wins when
// the job has one. Otherwise, at B3LYP/6-311+G(2d,p)//B3LYP/6-31G* linear
// regression factors from the DELTA50 benchmark apply: shift = slope * sigma +
// intercept, with the fit's MAE as the uncertainty; at a level with a
// calibration shipped with qmnmr (chem/shipped_calibrations.h) its line, with
// its cross-validated MAE. At any other level the shift is sigma_TMS - sigma,
// with TMS computed by the runner at the same level and solvent.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "chem/calibration.h"
#include "chem/presets.h"
#include "chem/solvents.h"

namespace qmnmr::chem {

enum class Nucleus { h1, c13 };

// DELTA50's own citation (its authors, journal and DOI), for every place
// that names the set.
inline constexpr std::string_view kDelta50Doi = "10.3390/molecules28062449";
inline constexpr std::string_view kDelta50Citation =
    "DELTA50: Cohen, Wood, Lam, Buevich, Sherer, Reibarkh, Williamson and Martin, Molecules "
    "2023, 28, 2449, doi:10.3390/molecules28062449";

// "1H" / "13C".
std::string_view nucleus_name(Nucleus nucleus);
// The nucleus observed for an element symbol ("H" -> h1, "C" -> c13), if any.
std::optional<Nucleus> nucleus_for_element(std::string_view symbol);

struct RegressionFactors {
  std::string_view solvent;  // regression key, e.g. "CHCl3"
  Nucleus nucleus;
  double slope, intercept, mae, rmsd;
  int n;
};

// The level label the table was fitted for.
inline constexpr std::string_view kRegressionLevel = "B3LYP/6-311+G(2d,p)//B3LYP/6-31G*";

std::span<const RegressionFactors> all_regression_factors();

enum class ShiftMethod { regression, tms_reference, calibration };

// Which method applies: a lab calibration (already checked to apply) when it
// has the nucleus, else regression when the nucleus's level is the fitted one
// and the table has the solvent and nucleus, else a shipped calibration of
// that level (calibration), else tms_reference.
// An open shell (`shells` open) always takes tms_reference: no regression or
// calibration was fitted on one.
enum class Shells { closed, open };
ShiftMethod shift_method_for(const Preset& preset, const Solvent& solvent, Nucleus nucleus,
                             const Calibration* calibration = nullptr,
                             Shells shells = Shells::closed);

// How shieldings of one nucleus become shifts for one job.
struct ShiftConversion {
  ShiftMethod method = ShiftMethod::tms_reference;
  Nucleus nucleus = Nucleus::h1;
  std::string level;    // preset level label
  std::string solvent;  // regression key
  double slope = -1, intercept = 0;      // regression, calibration: slope*sigma + intercept
  std::optional<double> sigma_tms;       // tms_reference: shift = sigma_tms - sigma
  std::optional<double> mae, rmsd;       // fit quality (calibration: cross-validated), ppm
  std::optional<int> n;
  std::string source;
  bool open_shell = false;  // no uncertainty: the shieldings lack the paramagnetic terms
  std::string note;         // a caveat of the line (a calibration made in another solvent)

  double shift(double sigma) const;
  // For results.json: {"method": "regression"|"tms_reference"|"calibration", ...,
  // "source"}; a regression adds "citation": {"reference_data": DELTA50's paper
  // (Cohen et al.), "factors": who fitted them (the qm-nmr-calc project)}.
  nlohmann::json to_json() const;
};

// The conversion for a preset, solvent and nucleus. The TMS path needs
// `sigma_tms` (the isotropic shielding of the TMS nucleus at the same level
// and solvent); throws ChemError when it is required and missing.
ShiftConversion shift_conversion_for(const Preset& preset, const Solvent& solvent,
                                     Nucleus nucleus,
                                     std::optional<double> sigma_tms = std::nullopt,
                                     const Calibration* calibration = nullptr,
                                     Shells shells = Shells::closed);

}  // namespace qmnmr::chem
