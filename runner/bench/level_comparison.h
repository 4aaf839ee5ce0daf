// Each level of a `qmnmr bench levels` run against one reference level (by
// default production's shielding), paired over the compounds both count: the
// difference of their cross-validated MAE per nucleus (equivalent atoms
// averaged) with a 95 % interval from a bootstrap over compounds, so that "no
// worse than production" is read off a measurement with its uncertainty
// rather than off two figures 0.005 ppm apart.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qmnmr::bench {

inline constexpr int kBootstrapResamples = 2000;

struct MaeDifference {
  double difference = 0;  // level's cross-validated MAE - the reference's, ppm
  double low = 0, high = 0;  // 95 % bootstrap interval of the difference
  double p_better = 0;       // share of resamples in which the level's MAE is the smaller
  int compounds = 0;         // compounds both levels predicted
  int resamples = 0;
};

// The paired difference of one nucleus between two levels (levels.json
// entries, their statistics.<nucleus>.equivalent_averaged.points). A
// resample draws as many compounds as are shared, with replacement, each with
// all its atoms, and takes the MAE of the pooled atoms at both levels; the
// generator has a fixed seed, so a report is the same every time it is made.
// nullopt when the two share fewer than two compounds with the nucleus.
std::optional<MaeDifference> paired_mae_difference(const nlohmann::json& level,
                                                   const nlohmann::json& reference,
                                                   const std::string& nucleus,
                                                   int resamples = kBootstrapResamples);

// {"reference": key, "reference_label", "resamples", "levels": [{"key", "label",
// "geometry", "cpu_ratio", "1H": {...}, "13C": {...}}]} for every level of
// `levels` but the reference, or null when no level has `reference_key`.
nlohmann::json compare_levels(const nlohmann::json& levels, const std::string& reference_key);

// How the comparison was made, one sentence ("" for a null comparison); its
// table's columns and rows (none for a null comparison), for Markdown and HTML.
std::string comparison_note(const nlohmann::json& comparison);
std::vector<std::string> comparison_columns();
std::vector<std::vector<std::string>> comparison_rows(const nlohmann::json& comparison);

}  // namespace qmnmr::bench
