// stage_slots: one stage's packing, decided and recorded.
#include "runner/pipeline/stage_slots.h"

namespace qmnmr::runner {

std::filesystem::path scaling_model_path(const std::filesystem::path& cache_dir) {
  return cache_dir / "scaling.json";
}

SlotPlan stage_slots(StageContext& ctx, const std::string& stage, RunKind kind, int runs) {
  const auto& tools = ctx.tools.context();
  auto model = ScalingModel::from_file(scaling_model_path(ctx.cache_dir).string());
  auto slots = plan_slots(tools.plan, kind, runs, static_cast<int>(ctx.molecule.symbols.size()), model,
                          tools.slots);
  std::lock_guard lock(ctx.mutex);
  ctx.status.doc()["packing"][stage] = slots.to_json();
  ctx.status.save();  // a client sees the decision while the runs go
  if (runs > 0)
    for (const auto& reason : slots.reasons) ctx.log->info("{} packing: {}", stage, reason);
  return slots;
}

}  // namespace qmnmr::runner
