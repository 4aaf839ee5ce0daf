// qmnmr bench levels: levels of theory chosen by measurement. Every shielding
// level of a list on every geometry asked for (the set's own, B3LYP/6-31G*
// re-optimised with COSMO, GFN2-xTB minima with ALPB), each compound-level an
// ordinary job folder run one at a time with the same ranks; per level and
// nucleus the accuracy against experiment (cross-validated and in-sample),
// its CPU and wall time per compound, the Pareto front, a calibration fitted
// on the set with its provenance, and report.html.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "runner/modes/config.h"

namespace qmnmr::runner {

struct BenchLevelsOptions {
  std::filesystem::path set;
  std::filesystem::path out_dir;  // default bench-levels-<solvent>
  // Shielding levels (functional/basis), in order; from --levels: words
  // separated by spaces or new lines, or a file of them ('#' starts a comment).
  std::vector<std::string> levels;
  // set | b3lyp/6-31G* (any functional/basis: re-optimised with COSMO) | gfn2-xtb.
  std::vector<std::string> geometries = {"set"};
  std::optional<std::string> solvent;
  std::string preset = "production";  // whose grids and optimiser criteria the levels keep
  std::vector<int> compounds;
  std::optional<int> limit;
  // The level every other is compared with, paired over the compounds
  // (--reference, a shielding level of `levels`, on the first geometry);
  // default production's shielding level when it is among them.
  std::optional<std::string> reference;
  std::string command;  // the command line, for the calibrations' provenance
  // Count and report what has finished, run nothing (while another process
  // computes the rest into the same folder).
  bool report_only = false;
};

// The levels of a --levels value: a file's lines, else the words of the text.
// Throws std::invalid_argument when it names no level.
std::vector<std::string> parse_levels_option(const std::string& value);

// Exit: 0 all complete, 1 a compound-level failed (the others went on), 130
// interrupted (rerun the same command to go on).
int cmd_bench_levels(const Config& config, const BenchLevelsOptions& options);

}  // namespace qmnmr::runner
