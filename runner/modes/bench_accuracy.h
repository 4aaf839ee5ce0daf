// qmnmr bench accuracy: computes a benchmark set (DELTA50 layout) one job
// folder per compound - through the same pipeline, tool runner, resource plan
// and logs as `qmnmr run` - and sets the shifts against experiment: bench.json,
// bench.md, SVG plots and report.html in the output folder, and optionally a
// calibration file fitted on the set.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/modes/config.h"

namespace qmnmr::runner {

struct BenchAccuracyOptions {
  std::filesystem::path set;
  std::filesystem::path out_dir;  // default bench-accuracy-<preset>-<solvent>[-optimise][-calibrated]
  std::optional<std::string> preset, solvent, calibration_file, write_calibration;
  std::string geometry = "fixed";  // fixed | optimise
  std::vector<int> compounds;      // compound numbers; empty = all (or --limit)
  std::optional<int> limit;
};

// Runs (or resumes) the chosen compounds and writes the outputs from every
// finished one. Exit: 0 all complete, 1 a compound failed (the others went
// on; the statistics leave it out and bench.json lists it), 130 interrupted
// (finished compounds are kept; rerun to go on).
int cmd_bench_accuracy(const Config& config, const BenchAccuracyOptions& options);

}  // namespace qmnmr::runner
