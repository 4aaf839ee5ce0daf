// qmnmr bench scaling: how NWChem's time falls with MPI ranks on this machine.
// One optimisation and one shielding of the same molecule and geometry at the
// preset's levels, at each rank count within the plan's limits, each through
// the same tool runner and mpirun line as a job: wall time, speed-up and
// parallel efficiency against the fewest ranks, time per optimisation step,
// and the peak resident memory of the largest rank. Writes scaling.json and
// scaling.svg; a rerun skips the rank counts already measured. A complete
// run also leaves scaling.json in the reference cache, where the packing of
// NWChem runs (runner/resources/slot_plan.h) takes its speed-ups from.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "runner/modes/config.h"

namespace qmnmr::runner {

struct BenchScalingOptions {
  std::optional<std::string> smiles, xyz_file, preset, solvent;
  std::vector<int> ranks;         // empty: 1, 2, 4, ... up to the plan's pick, and the pick
  std::filesystem::path out_dir;  // default bench-scaling-<preset>
  bool shielding_only = false;
};

// Exit: 0 every rank count measured, 1 a run failed (NWChem's line printed), 130 interrupted.
int cmd_bench_scaling(const Config& config, const BenchScalingOptions& options);

}  // namespace qmnmr::runner
