// Least squares, leave-one-compound-out cross-validation and error figures.
#include "runner/bench/accuracy_stats.h"

#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

namespace qmnmr::bench {
using nlohmann::json;

LinearFit fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2)
    throw std::invalid_argument("a line needs at least two points");
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  double sxx = 0, sxy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  if (sxx <= 0) throw std::invalid_argument("a line cannot be fitted: every shielding is the same");
  LinearFit f;
  f.slope = sxy / sxx;
  f.intercept = my - f.slope * mx;
  f.n = static_cast<int>(x.size());
  return f;
}

ErrorStats error_stats(const std::vector<Observation>& obs, const std::vector<double>& predicted) {
  ErrorStats s;
  std::map<std::string, std::pair<double, int>> per_compound;
  double sum_abs = 0, sum_sq = 0, sum = 0;
  for (size_t i = 0; i < obs.size(); ++i) {
    if (std::isnan(predicted[i])) continue;
    const double e = predicted[i] - obs[i].experimental;
    ++s.n;
    sum += e;
    sum_abs += std::abs(e);
    sum_sq += e * e;
    auto& [total, count] = per_compound[obs[i].compound];
    total += std::abs(e);
    ++count;
    if (std::abs(e) > s.max_abs_error || s.max_atom.empty()) {
      s.max_abs_error = std::abs(e);
      s.max_compound = obs[i].compound;
      s.max_atom = obs[i].atom;
    }
  }
  if (s.n == 0) return s;
  s.mae = sum_abs / s.n;
  s.rmsd = std::sqrt(sum_sq / s.n);
  s.mean_error = sum / s.n;
  for (const auto& [compound, tc] : per_compound) s.compound_mae[compound] = tc.first / tc.second;
  return s;
}

Accuracy assess(const std::vector<Observation>& obs) {
  Accuracy a;
  std::vector<double> direct, x, y;
  for (const auto& o : obs) {
    direct.push_back(o.predicted);
    x.push_back(o.shielding);
    y.push_back(o.experimental);
  }
  a.direct = error_stats(obs, direct);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  a.cv_predicted.assign(obs.size(), nan);
  try {
    a.fit = fit_line(x, y);
  } catch (const std::invalid_argument&) {
    return a;  // too few points: direct errors only
  }
  std::vector<double> fitted;
  for (const auto& o : obs) fitted.push_back(a.fit->predict(o.shielding));
  a.in_sample = error_stats(obs, fitted);
  double ss = 0;
  for (size_t i = 0; i < obs.size(); ++i)
    ss += (fitted[i] - obs[i].experimental) * (fitted[i] - obs[i].experimental);
  a.residual_sd = obs.size() > 2 ? std::sqrt(ss / static_cast<double>(obs.size() - 2)) : 0;
  for (size_t i = 0; i < obs.size(); ++i) {
    const double r = fitted[i] - obs[i].experimental;
    if (a.residual_sd > 0 && std::abs(r) > 3 * a.residual_sd)
      a.outliers.push_back({obs[i].compound, obs[i].compound_name, obs[i].atom, r});
  }
  // Leave one compound out: every atom is predicted by a line that never saw its molecule.
  std::set<std::string> compounds;
  for (const auto& o : obs) compounds.insert(o.compound);
  for (const auto& left_out : compounds) {
    std::vector<double> tx, ty;
    for (const auto& o : obs)
      if (o.compound != left_out) {
        tx.push_back(o.shielding);
        ty.push_back(o.experimental);
      }
    LinearFit f;
    try {
      f = fit_line(tx, ty);
    } catch (const std::invalid_argument&) {
      continue;
    }
    for (size_t i = 0; i < obs.size(); ++i)
      if (obs[i].compound == left_out) a.cv_predicted[i] = f.predict(obs[i].shielding);
  }
  a.cross_validated = error_stats(obs, a.cv_predicted);
  return a;
}

json to_json(const ErrorStats& s) {
  json j{{"n", s.n}};
  if (s.n == 0) return j;
  j["mae"] = s.mae;
  j["rmsd"] = s.rmsd;
  j["mean_error"] = s.mean_error;
  j["max_abs_error"] = {{"ppm", s.max_abs_error}, {"compound", s.max_compound}, {"atom", s.max_atom}};
  j["compound_mae"] = s.compound_mae;
  return j;
}

json to_json(const Accuracy& a) {
  json j{{"direct", to_json(a.direct)}};
  if (!a.fit) return j;
  j["fit"] = {{"slope", a.fit->slope}, {"intercept", a.fit->intercept}, {"n", a.fit->n},
              {"formula", "experimental shift = slope * shielding + intercept"}};
  j["in_sample"] = to_json(a.in_sample);
  j["cross_validated"] = to_json(a.cross_validated);
  j["cross_validation"] = "leave one compound out";
  j["residual_sd"] = a.residual_sd;
  j["outliers"] = json::array();
  for (const auto& o : a.outliers)
    j["outliers"].push_back({{"compound", o.compound}, {"name", o.compound_name},
                             {"atom", o.atom}, {"residual", o.residual}});
  return j;
}

}  // namespace qmnmr::bench
