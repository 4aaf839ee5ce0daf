// What `qmnmr bench accuracy` writes from its counted compounds: the
// statistics (per nucleus, per atom and per group of equivalent atoms),
// bench.json, bench_atoms.csv, bench.md (the table also printed to the terminal), SVG plots
// (predicted against experimental with the lines; cross-validated residuals),
// one self-contained report.html, and the calibration fitted on the set.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chem/calibration.h"
#include "runner/bench/compound_results.h"

namespace qmnmr::bench {

struct AccuracySummary {
  nlohmann::json atoms = nlohmann::json::array();  // every assigned atom of every compound
  // {"1H"|"13C": {"per_atom"|"equivalent_averaged": to_json(Accuracy) + "points"}}
  nlohmann::json statistics = nlohmann::json::object();
};

AccuracySummary accuracy_summary(const std::vector<CompoundObservations>& compounds);

// The statistics of a bench.json document as a Markdown table (with the
// worst atoms and the outliers below it).
std::string accuracy_markdown(const nlohmann::json& doc);

// bench.json, bench_atoms.csv (one row per assigned atom), bench.md,
// plot_<nucleus>.svg, residuals_<nucleus>.svg and report.html in `dir`.
void write_accuracy_outputs(const std::filesystem::path& dir, const nlohmann::json& doc);

// The lines fitted on the set (equivalent atoms averaged, as `qmnmr run`
// reports shifts) with their cross-validated errors. Throws
// std::invalid_argument when no nucleus has a fitted line.
chem::Calibration calibration_from_bench(const nlohmann::json& doc, const std::string& name);

}  // namespace qmnmr::bench
