// plan_slots: how many of a stage's NWChem runs go side by side, and with how many ranks.
#include "runner/resources/slot_plan.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <spdlog/fmt/fmt.h>

namespace qmnmr::runner {
using nlohmann::json;

ScalingModel ScalingModel::from_file(const std::string& path) {
  ScalingModel model;
  std::ifstream in(path);
  if (!in) return model;
  try {
    json doc = json::parse(in);
    for (const auto& row : doc.at("rows"))
      for (auto [key, map] : {std::pair{"optimisation", &model.optimisation},
                              std::pair{"shielding", &model.shielding}}) {
        if (!row.contains(key) || !row[key].contains("speedup")) continue;
        const double s = row[key]["speedup"].get<double>();
        if (s > 0) (*map)[row.at("ranks").get<int>()] = s;
      }
  } catch (const std::exception&) {
    return {};
  }
  if (!model.optimisation.empty() || !model.shielding.empty()) model.source = path;
  return model;
}

double default_speedup(RunKind kind, int ranks, int atoms) {
  if (ranks <= 1) return 1.0;
  if (kind == RunKind::optimisation) return ranks;
  const double serial = std::clamp(3.0 / std::max(1, atoms), 0.05, 0.5);
  return 1.0 / (serial + (1.0 - serial) / ranks);
}

namespace {

double speedup(const ScalingModel& model, RunKind kind, int ranks, int atoms) {
  if (ranks <= 1) return 1.0;
  const auto& measured = model.speedup(kind);
  if (auto it = measured.find(ranks); it != measured.end()) {
    // Relative to the model's own one-rank row when it has one.
    auto one = measured.find(1);
    return it->second / (one != measured.end() ? one->second : 1.0);
  }
  return default_speedup(kind, ranks, atoms);
}

// The stage's wall time in units of one run on one rank.
double wall(int runs, int slots, double slot_speedup) {
  const int rounds = (runs + slots - 1) / slots;
  return rounds / slot_speedup;
}

}  // namespace

json SlotPlan::to_json() const {
  return json{{"runs", runs},
              {"slots", slots},
              {"ranks_per_slot", ranks_per_slot},
              {"threads_per_rank", threads_per_rank},
              {"nwchem_memory_mb_per_rank", memory_mb_per_rank},
              {"estimated_speedup", std::round(estimated_speedup * 100) / 100},
              {"reasons", reasons}};
}

ResourcePlan SlotPlan::slot_resources(const ResourcePlan& plan) const {
  if (slots <= 1) return plan;
  ResourcePlan slot = plan;
  slot.ranks = ranks_per_slot;
  slot.nodes = 1;
  slot.ranks_per_node = ranks_per_slot;
  return slot;
}

SlotPlan plan_slots(const ResourcePlan& plan, RunKind kind, int runs, int atoms,
                    const ScalingModel& model, std::optional<int> forced_slots) {
  SlotPlan out;
  out.runs = std::max(0, runs);
  out.threads_per_rank = plan.threads_per_rank;
  out.memory_mb_per_rank = plan.nwchem_memory_mb_per_rank;
  out.ranks_per_slot = std::max(1, plan.ranks);
  const int ranks = std::max(1, plan.ranks);
  if (plan.nodes > 1) {
    out.reasons.push_back(fmt::format(
        "one run at a time: the plan spreads {} ranks over {} nodes, and a slot never spans "
        "part of a node",
        ranks, plan.nodes));
    return out;
  }
  if (out.runs <= 1 && !forced_slots) {
    out.reasons.push_back(fmt::format("{} run: it gets all {} ranks", out.runs, ranks));
    return out;
  }
  const bool opt = kind == RunKind::optimisation;
  const std::string model_name =
      !model.speedup(kind).empty()
          ? fmt::format("the {} speed-ups measured by qmnmr bench scaling ({})",
                        opt ? "optimisation" : "shielding", model.source)
      : opt ? std::string("the default model (an optimisation scales linearly over ranks)")
            : fmt::format("the default model (a shielding: Amdahl, serial fraction 3/atoms = "
                          "{:.2f})",
                          std::clamp(3.0 / std::max(1, atoms), 0.05, 0.5));
  const double sequential = wall(std::max(1, out.runs), 1, speedup(model, kind, ranks, atoms));
  if (forced_slots) {
    out.slots = std::clamp(*forced_slots, 1, ranks);
    out.ranks_per_slot = ranks / out.slots;
    out.reasons.push_back(fmt::format("{} slot(s) of {} rank(s): forced (--slots / slots {}){}",
                                      out.slots, out.ranks_per_slot, *forced_slots,
                                      *forced_slots > ranks ? ", capped at the plan's ranks" : ""));
  } else {
    double best = sequential;
    for (int slots = 2; slots <= std::min(ranks, out.runs); ++slots) {
      const int per_slot = ranks / slots;
      const double t = wall(out.runs, slots, speedup(model, kind, per_slot, atoms));
      if (t < best - 1e-9) {
        best = t;
        out.slots = slots;
        out.ranks_per_slot = per_slot;
      }
    }
    out.reasons.push_back(fmt::format(
        "{} runs on {} ranks: {} slot(s) of {} rank(s) finish soonest by {}; one after another "
        "on {} ranks would take {:.2f}x as long",
        out.runs, ranks, out.slots, out.ranks_per_slot, model_name, ranks,
        sequential / best));
  }
  out.estimated_speedup =
      sequential / wall(std::max(1, out.runs), out.slots, speedup(model, kind, out.ranks_per_slot, atoms));
  if (out.slots > 1)
    out.reasons.push_back(fmt::format(
        "each slot: {} rank(s) x {} thread(s), {} MB NWChem memory per rank (the plan's: the "
        "ranks of all slots together are the plan's {} ranks, so CPUs, memory and /dev/shm stay "
        "inside its limits)",
        out.ranks_per_slot, out.threads_per_rank, out.memory_mb_per_rank, ranks));
  return out;
}

}  // namespace qmnmr::runner
