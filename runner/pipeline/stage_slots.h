// The packing decision for one stage's NWChem runs (runner/resources/
// slot_plan.h) from the job's plan, the molecule's size, the scaling measured
// on this machine (scaling.json in the reference cache, which `qmnmr bench
// scaling` writes) and a forced slot count; logged and recorded in
// status.json under packing.<stage>.
#pragma once
#include <string>

#include "runner/pipeline/stage_context.h"
#include "runner/resources/slot_plan.h"

namespace qmnmr::runner {

SlotPlan stage_slots(StageContext& ctx, const std::string& stage, RunKind kind, int runs);

// Where `qmnmr bench scaling` leaves the measured model for the packing.
std::filesystem::path scaling_model_path(const std::filesystem::path& cache_dir);

}  // namespace qmnmr::runner
