// Regression table and shift conversion.
//
// Source of the factors: fits to the DELTA50 set (Cohen, Wood, Lam, Buevich,
// Sherer, Reibarkh, Williamson and Martin, Molecules 2023, 28, 2449,
// doi:10.3390/molecules28062449; 50 molecules, CDCl3, 298 K) made with NWChem
// and COSMO per solvent by the qm-nmr-calc project (its scaling-factor
// tables), with 3-sigma outlier removal, B3LYP/6-311+G(2d,p) GIAO shieldings
// on B3LYP/6-31G* geometries, as tabulated in the project's SCIENCE.md.
#include "chem/shift_conversion.h"

#include <array>
#include <utility>

#include "chem/error.h"
#include "chem/shipped_calibrations.h"

namespace qmnmr::chem {
namespace {

// The two halves of the citation: whose data, whose fit.
constexpr std::string_view kReferenceData = kDelta50Citation;
constexpr std::string_view kFactorsBy =
    "fitted to DELTA50 with NWChem and COSMO by the qm-nmr-calc project (its scaling-factor "
    "tables)";

using N = Nucleus;
constexpr std::array<RegressionFactors, 26> kFactors = {{
    {"CHCl3", N::h1, -0.9375324445748368, 29.917572478615273, 0.124, 0.163, 335},
    {"CHCl3", N::c13, -0.9497191310466504, 172.68931310563093, 1.949, 2.691, 219},
    {"DMSO", N::h1, -0.9323417944578304, 29.734945473316035, 0.126, 0.166, 335},
    {"DMSO", N::c13, -0.9429390047043799, 171.7713530669762, 2.152, 2.916, 219},
    {"Methanol", N::h1, -0.932632, 29.7450, 0.126, 0.166, 335},
    {"Methanol", N::c13, -0.943277, 171.8170, 2.139, 2.901, 219},
    {"Water", N::h1, -0.932103, 29.7264, 0.127, 0.166, 335},
    {"Water", N::c13, -0.942591, 171.7239, 2.161, 2.927, 219},
    {"Acetone", N::h1, -0.933164, 29.7636, 0.126, 0.165, 335},
    {"Acetone", N::c13, -0.943962, 171.9101, 2.117, 2.875, 219},
    {"Benzene", N::h1, -0.943308, 30.1215, 0.128, 0.167, 335},
    {"Benzene", N::c13, -0.957286, 173.7010, 1.761, 2.538, 219},
    {"Pyridine", N::h1, -0.933975, 29.7922, 0.125, 0.164, 335},
    {"Pyridine", N::c13, -0.945016, 172.0533, 2.085, 2.836, 219},
    {"THF", N::h1, -0.935586, 29.8488, 0.124, 0.163, 335},
    {"THF", N::c13, -0.947118, 172.3376, 2.023, 2.766, 219},
    {"Toluene", N::h1, -0.942851, 30.1054, 0.128, 0.166, 335},
    {"Toluene", N::c13, -0.956690, 173.6218, 1.774, 2.546, 219},
    {"DCM", N::h1, -0.934957, 29.8267, 0.124, 0.164, 335},
    {"DCM", N::c13, -0.946299, 172.2269, 2.048, 2.793, 219},
    {"Acetonitrile", N::h1, -0.932554, 29.7423, 0.126, 0.166, 335},
    {"Acetonitrile", N::c13, -0.943176, 171.8034, 2.143, 2.905, 219},
    {"DMF", N::h1, -0.932522, 29.7411, 0.126, 0.166, 335},
    {"DMF", N::c13, -0.943132, 171.7974, 2.144, 2.906, 219},
    {"vacuum", N::h1, -0.955379905689472, 30.544554436892824, 0.148, 0.193, 336},
    {"vacuum", N::c13, -0.9726389627459856, 175.71087286822868, 1.739, 2.565, 219},
}};

const RegressionFactors* find_factors(const Preset& preset, const Solvent& solvent,
                                      Nucleus nucleus) {
  if (preset.nucleus_level_label(nucleus) != kRegressionLevel) return nullptr;
  for (const RegressionFactors& f : kFactors)
    if (f.solvent == solvent.regression_key && f.nucleus == nucleus) return &f;
  return nullptr;
}

}  // namespace

std::string_view nucleus_name(Nucleus nucleus) { return nucleus == Nucleus::h1 ? "1H" : "13C"; }

std::optional<Nucleus> nucleus_for_element(std::string_view symbol) {
  if (symbol == "H") return Nucleus::h1;
  if (symbol == "C") return Nucleus::c13;
  return std::nullopt;
}

std::span<const RegressionFactors> all_regression_factors() { return kFactors; }

ShiftMethod shift_method_for(const Preset& preset, const Solvent& solvent, Nucleus nucleus,
                             const Calibration* calibration, Shells shells) {
  if (shells == Shells::open) return ShiftMethod::tms_reference;
  if (calibration && calibration->line_for(nucleus)) return ShiftMethod::calibration;
  if (find_factors(preset, solvent, nucleus)) return ShiftMethod::regression;
  return shipped_line_for(preset.nucleus_level_label(nucleus), solvent, nucleus).line
             ? ShiftMethod::calibration
             : ShiftMethod::tms_reference;
}

double ShiftConversion::shift(double sigma) const {
  if (method != ShiftMethod::tms_reference) return slope * sigma + intercept;
  if (!sigma_tms) throw ChemError("tms reference shielding missing; compute tms first");
  return *sigma_tms - sigma;
}

nlohmann::json ShiftConversion::to_json() const {
  nlohmann::json j;
  j["nucleus"] = std::string(nucleus_name(nucleus));
  j["level"] = level;
  j["solvent"] = solvent;
  if (method != ShiftMethod::tms_reference) {
    j["method"] = method == ShiftMethod::regression ? "regression" : "calibration";
    j["formula"] = "shift = slope * shielding + intercept";
    j["slope"] = slope;
    j["intercept"] = intercept;
    j["mae"] = *mae;
    j["rmsd"] = *rmsd;
    j["n"] = *n;
    if (method == ShiftMethod::calibration)
      j["uncertainty"] = "the calibration's leave-one-compound-out MAE";
    if (!note.empty()) j["note"] = note;
    if (method == ShiftMethod::regression)
      j["citation"] = {{"reference_data", std::string(kReferenceData)},
                       {"factors", std::string(kFactorsBy)}};
  } else {
    j["method"] = "tms_reference";
    j["formula"] = "shift = sigma_tms - shielding";
    j["sigma_tms"] = sigma_tms ? nlohmann::json(*sigma_tms) : nlohmann::json();
    j["mae"] = nullptr;  // no benchmark at this level
    if (open_shell) j["open_shell"] = true;
  }
  j["source"] = source;
  return j;
}

ShiftConversion shift_conversion_for(const Preset& preset, const Solvent& solvent,
                                     Nucleus nucleus, std::optional<double> sigma_tms,
                                     const Calibration* calibration, Shells shells) {
  ShiftConversion c;
  c.nucleus = nucleus;
  c.level = preset.nucleus_level_label(nucleus);
  c.solvent = std::string(solvent.regression_key);
  if (shells == Shells::open) {
    if (!sigma_tms)
      throw ChemError("an open shell's shifts are taken against tms; compute the tms shielding "
                      "at the same level and solvent and pass it");
    c.method = ShiftMethod::tms_reference;
    c.sigma_tms = sigma_tms;
    c.open_shell = true;
    c.source = "tms computed at " + c.level + " with solvent " + c.solvent +
               "; an open shell: the shieldings lack the paramagnetic terms, so no regression "
               "applies and no uncertainty is given";
    return c;
  }
  auto line = [&](ShiftMethod method, double slope, double intercept, double mae, double rmsd,
                  int n, std::string source) {
    c.method = method;
    c.slope = slope;
    c.intercept = intercept;
    c.mae = mae;
    c.rmsd = rmsd;
    c.n = n;
    c.source = std::move(source);
    return c;
  };
  if (const CalibrationLine* l = calibration ? calibration->line_for(nucleus) : nullptr)
    return line(ShiftMethod::calibration, l->slope, l->intercept, l->cv_mae, l->cv_rmsd, l->n,
                "calibration '" + calibration->name + "' (" +
                    std::to_string(calibration->compounds) + " compounds" +
                    (calibration->set.empty() ? "" : " of " + calibration->set) + ")");
  if (const RegressionFactors* f = find_factors(preset, solvent, nucleus))
    return line(ShiftMethod::regression, f->slope, f->intercept, f->mae, f->rmsd, f->n,
                "DELTA50 linear regression, " + std::string(kFactorsBy) + "; data " +
                    std::string(kReferenceData));
  if (const auto shipped = shipped_line_for(c.level, solvent, nucleus); shipped.line) {
    const auto& cal = *shipped.calibration;
    if (shipped.other_solvent)
      c.note = "calibrated against DELTA50 shifts measured in CDCl3 (shieldings in COSMO "
               "chloroform) and applied here to COSMO " + std::string(solvent.key) +
               " shieldings: the continuum's solvent effect is computed, but hydrogen bonds "
               "and other specific solvation are not, so expect larger errors than the "
               "uncertainty says, most of all for OH/NH protons and in protic or strongly "
               "polar solvents (DMSO, methanol, water)";
    return line(ShiftMethod::calibration, shipped.line->slope, shipped.line->intercept,
                shipped.line->cv_mae, shipped.line->cv_rmsd, shipped.line->n,
                "calibration shipped with qmnmr, " + cal.name + " (" +
                    std::to_string(cal.compounds) + " compounds of " + cal.set +
                    ", qmnmr bench levels; leave-one-compound-out errors)");
  }
  if (!sigma_tms)
    throw ChemError("no regression factors for " + std::string(nucleus_name(nucleus)) + " at " +
                    c.level + " in " + c.solvent +
                    "; compute the tms shielding at the same level and solvent and pass it");
  c.method = ShiftMethod::tms_reference;
  c.sigma_tms = sigma_tms;
  c.source = "tms computed at " + c.level + " with solvent " + c.solvent;
  return c;
}

}  // namespace qmnmr::chem
