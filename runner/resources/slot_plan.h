// Packing a stage's independent NWChem runs (the conformers' optimisations,
// their shieldings, the TMS reference) onto the plan's ranks: `slots` runs at
// once, each with `ranks_per_slot` ranks, slots x ranks_per_slot <= the plan's
// ranks, so the threads and the memory per rank stay the plan's and nothing
// is oversubscribed. A small molecule's NWChem scales poorly across ranks
// (measured here: an ethanol shielding 1.57x on 2 ranks), so k runs on R ranks
// finish sooner as R one-rank runs side by side than one after another on R
// ranks each.
//
// The choice minimises the stage's estimated wall time, ceil(runs / slots) /
// speedup(ranks_per_slot), fewer slots on a tie. speedup(r) is measured when
// `qmnmr bench scaling` has run on this machine (its scaling.json, saved into
// the reference cache: optimisations per step, shieldings per run), else the
// default model: a shielding follows Amdahl's law with a serial fraction of
// 3 / atoms clamped to [0.05, 0.5] (9 atoms: 0.33; 33 atoms: 0.09; measured
// here: ethanol's 0.27, ibuprofen's 0.14), an optimisation scales linearly
// (measured here on 2 ranks: ethanol 2.04x per step, propan-1-ol 2.1-2.3x; two
// one-rank optimisations side by side also slow each other down), so
// optimisations run one after another unless a measurement says otherwise.
// Across nodes, or when a slot count is forced, the model is not consulted.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/resources/resource_plan.h"

namespace qmnmr::runner {

enum class RunKind { optimisation, shielding };

// Measured speed-up of one NWChem run over ranks (1 -> 1.0), per rank count.
struct ScalingModel {
  std::map<int, double> optimisation, shielding;  // empty: the default model
  std::string source;                             // the scaling.json it came from

  const std::map<int, double>& speedup(RunKind kind) const {
    return kind == RunKind::optimisation ? optimisation : shielding;
  }
  // scaling.json as `qmnmr bench scaling` writes it. Returns an empty model for
  // a missing or unreadable file.
  static ScalingModel from_file(const std::string& path);
};

struct SlotPlan {
  int runs = 0;             // independent NWChem runs in the stage
  int slots = 1;            // run at once
  int ranks_per_slot = 1;
  int threads_per_rank = 1;
  int memory_mb_per_rank = 0;
  double estimated_speedup = 1;  // over the same runs one after another on all ranks
  std::vector<std::string> reasons;

  nlohmann::json to_json() const;
  // The plan one slot launches with: the plan's threads and memory per rank,
  // ranks_per_slot ranks, on this node.
  ResourcePlan slot_resources(const ResourcePlan& plan) const;
};

// forced_slots: --slots / config `slots` (1 runs one after another, as before packing).
SlotPlan plan_slots(const ResourcePlan& plan, RunKind kind, int runs, int atoms,
                    const ScalingModel& model, std::optional<int> forced_slots = std::nullopt);

// The default model's speed-up of one run on `ranks` ranks for a molecule of `atoms` atoms.
double default_speedup(RunKind kind, int ranks, int atoms);

}  // namespace qmnmr::runner
