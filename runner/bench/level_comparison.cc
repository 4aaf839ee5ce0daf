// Paired bootstrap of cross-validated MAE between bench levels, and its table.
#include "runner/bench/level_comparison.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <vector>

#include "chem/text_lines.h"

namespace qmnmr::bench {
using nlohmann::json;

namespace {

constexpr const char* kNuclei[] = {"1H", "13C"};
constexpr std::mt19937::result_type kSeed = 20261203;

// compound -> absolute cross-validated errors of its equivalent groups.
std::map<std::string, std::vector<double>> cv_errors(const json& level,
                                                     const std::string& nucleus) {
  std::map<std::string, std::vector<double>> out;
  const json* points = nullptr;
  if (level.contains("statistics") && level["statistics"].contains(nucleus) &&
      level["statistics"][nucleus].contains("equivalent_averaged"))
    points = &level["statistics"][nucleus]["equivalent_averaged"]["points"];
  if (!points || !points->is_array()) return out;
  for (const auto& p : *points) {
    if (!p.contains("cv_predicted") || p["cv_predicted"].is_null()) continue;
    out[p.value("compound", "")].push_back(
        std::abs(p["cv_predicted"].get<double>() - p["experimental"].get<double>()));
  }
  return out;
}

struct Sums {
  double sum = 0;
  int n = 0;
};

std::string signed_fixed(double v, int digits) {
  return (v >= 0 ? "+" : "") + chem::fixed_digits(v, digits);
}

}  // namespace

std::optional<MaeDifference> paired_mae_difference(const json& level, const json& reference,
                                                   const std::string& nucleus, int resamples) {
  const auto a = cv_errors(level, nucleus), b = cv_errors(reference, nucleus);
  std::vector<std::pair<Sums, Sums>> shared;  // per compound: (level, reference)
  for (const auto& [compound, errors] : a) {
    auto r = b.find(compound);
    if (r == b.end() || errors.empty() || r->second.empty()) continue;
    Sums sa, sb;
    for (double e : errors) sa.sum += e, ++sa.n;
    for (double e : r->second) sb.sum += e, ++sb.n;
    shared.emplace_back(sa, sb);
  }
  if (shared.size() < 2) return std::nullopt;
  auto difference = [&](const std::vector<size_t>& pick) {
    Sums ta, tb;
    for (size_t i : pick) {
      ta.sum += shared[i].first.sum, ta.n += shared[i].first.n;
      tb.sum += shared[i].second.sum, tb.n += shared[i].second.n;
    }
    return ta.sum / ta.n - tb.sum / tb.n;
  };
  const size_t n = shared.size();
  std::vector<size_t> all(n);
  for (size_t i = 0; i < n; ++i) all[i] = i;
  MaeDifference out;
  out.difference = difference(all);
  out.compounds = static_cast<int>(n);
  out.resamples = resamples;
  std::mt19937 rng(kSeed);  // the engine's sequence is fixed by the standard
  std::vector<double> diffs;
  diffs.reserve(static_cast<size_t>(resamples));
  std::vector<size_t> pick(n);
  int better = 0;
  for (int r = 0; r < resamples; ++r) {
    for (auto& p : pick) p = rng() % n;
    const double d = difference(pick);
    diffs.push_back(d);
    if (d < 0) ++better;
  }
  std::sort(diffs.begin(), diffs.end());
  const auto at = [&](double q) {
    const auto i = static_cast<size_t>(std::floor(q * (resamples - 1) + 0.5));
    return diffs[std::min(i, diffs.size() - 1)];
  };
  out.low = at(0.025);
  out.high = at(0.975);
  out.p_better = static_cast<double>(better) / resamples;
  return out;
}

json compare_levels(const json& levels, const std::string& reference_key) {
  const json* reference = nullptr;
  for (const auto& l : levels)
    if (l.value("key", "") == reference_key) reference = &l;
  if (!reference) return nullptr;
  const double ref_cpu =
      reference->value("cpu_seconds_per_compound", json::object()).value("total", 0.0);
  json out{{"reference", reference_key},
           {"reference_label", reference->value("label", "")},
           {"reference_geometry", reference->value("geometry", "")},
           {"resamples", kBootstrapResamples},
           {"levels", json::array()}};
  for (const auto& l : levels) {
    if (&l == reference) continue;
    const double cpu = l.value("cpu_seconds_per_compound", json::object()).value("total", 0.0);
    json row{{"key", l.value("key", "")},
             {"label", l.value("label", "")},
             {"geometry", l.value("geometry", "")},
             {"cpu_ratio", ref_cpu > 0 ? json(cpu / ref_cpu) : json()}};
    for (const char* nucleus : kNuclei) {
      auto d = paired_mae_difference(l, *reference, nucleus);
      row[nucleus] = d ? json{{"difference", d->difference}, {"low", d->low}, {"high", d->high},
                              {"p_better", d->p_better}, {"compounds", d->compounds}}
                       : json();
    }
    out["levels"].push_back(row);
  }
  return out;
}

std::string comparison_note(const json& comparison) {
  if (comparison.is_null()) return "";
  return "Against " + comparison.value("reference_label", "") + " // " +
         comparison.value("reference_geometry", "") +
         ", paired over the compounds both count: the level's cross-validated MAE minus the "
         "reference's (ppm, equivalent atoms averaged), its 95 % interval from " +
         std::to_string(comparison.value("resamples", 0)) +
         " bootstrap resamples of the compounds (each with all its atoms), the share of "
         "resamples in which the level is the more accurate, and its CPU time as a fraction of "
         "the reference's. An interval that holds 0 is no measured difference.";
}

std::vector<std::string> comparison_columns() {
  return {"level (shielding)", "geometry", "1H cv MAE difference [95 %]", "1H P(better)",
          "13C cv MAE difference [95 %]", "13C P(better)", "CPU time / reference's"};
}

std::vector<std::vector<std::string>> comparison_rows(const json& comparison) {
  std::vector<std::vector<std::string>> out;
  if (comparison.is_null()) return out;
  for (const auto& row : comparison.value("levels", json::array())) {
    std::vector<std::string> r{row.value("label", ""), row.value("geometry", "")};
    for (const char* nucleus : kNuclei) {
      const int digits = std::string(nucleus) == "1H" ? 3 : 2;
      const json& d = row.contains(nucleus) ? row[nucleus] : json();
      if (d.is_null()) {
        r.insert(r.end(), {"-", "-"});
        continue;
      }
      r.push_back(signed_fixed(d["difference"], digits) + " [" + signed_fixed(d["low"], digits) +
                  ", " + signed_fixed(d["high"], digits) + "]");
      r.push_back(chem::fixed_digits(d["p_better"], 2));
    }
    const json& ratio = row["cpu_ratio"];
    r.push_back(ratio.is_null() ? "-" : chem::fixed_digits(ratio, 2));
    out.push_back(r);
  }
  return out;
}

}  // namespace qmnmr::bench
