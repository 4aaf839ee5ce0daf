// The statistics of a shift benchmark, for one nucleus and one way of counting
// atoms: errors of the preset's own conversion, a least-squares line
// (experimental shift = slope * shielding + intercept) fitted on the set with
// its in-sample errors, the same line refitted leaving each compound out
// (cross-validated errors, labelled apart), and the atoms more than three
// standard deviations off the fitted line (listed, never dropped).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qmnmr::bench {

// One compared shift: an atom, or a group of equivalent atoms averaged.
struct Observation {
  std::string compound;       // "compound_07"
  std::string compound_name;  // "Acetone"
  std::string atom;           // "H5", or "H5,H6,H7" for an averaged group
  double shielding = 0;       // isotropic, ppm
  double predicted = 0;       // by the job's own conversion (regression or TMS)
  double experimental = 0;
};

struct LinearFit {
  double slope = 0, intercept = 0;
  int n = 0;
  double predict(double shielding) const { return slope * shielding + intercept; }
};

// Least squares of y on x. Throws std::invalid_argument with fewer than two
// points or when every x is the same.
LinearFit fit_line(const std::vector<double>& x, const std::vector<double>& y);

struct ErrorStats {
  int n = 0;
  double mae = 0, rmsd = 0;
  double mean_error = 0;     // predicted - experimental (bias)
  double max_abs_error = 0;  // with the atom it belongs to
  std::string max_compound, max_atom;
  std::map<std::string, double> compound_mae;  // compound id -> MAE of its atoms
};

// Errors of `predicted` (one per observation) against the experimental shifts.
ErrorStats error_stats(const std::vector<Observation>& obs, const std::vector<double>& predicted);

struct Outlier {
  std::string compound, compound_name, atom;
  double residual = 0;  // fitted prediction - experimental
};

struct Accuracy {
  ErrorStats direct;                    // the job's own conversion
  std::optional<LinearFit> fit;         // none with fewer than two points
  ErrorStats in_sample;                 // the fit, on the atoms it was fitted to
  ErrorStats cross_validated;           // leave one compound out; n = 0 with one compound
  std::vector<double> cv_predicted;     // per observation (NaN when it could not be predicted)
  double residual_sd = 0;               // of the in-sample residuals
  std::vector<Outlier> outliers;        // |residual| > 3 * residual_sd
};

// Everything above for one nucleus and one counting of atoms.
Accuracy assess(const std::vector<Observation>& obs);

nlohmann::json to_json(const ErrorStats& s);
nlohmann::json to_json(const Accuracy& a);

}  // namespace qmnmr::bench
