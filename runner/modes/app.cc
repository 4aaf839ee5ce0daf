// plan_for, job_tool_context, read_calibration_file and default_worker_id.
#include "runner/modes/app.h"

#include <unistd.h>

#include "chem/calibration.h"
#include "container/heartbeat.h"
#include "queue/atomic_file.h"
#include "queue/json_limits.h"
#include "runner/modes/logging.h"

namespace qmnmr::runner {

ResourcePlan plan_for(const Config& config, const std::map<std::string, std::string>& env) {
  SystemRoots roots;
  roots.cgroup_root = config.cgroup_root.value;
  roots.shm_dir = config.shm_dir.value;
  PlanOverrides overrides;
  if (config.ranks.value) {
    overrides.ranks = config.ranks.value;
    overrides.ranks_origin = config.ranks.origin.label;
  }
  if (config.memory_bytes.value) {
    overrides.memory_bytes = config.memory_bytes.value;
    overrides.memory_origin = config.memory_bytes.origin.label;
  }
  return make_plan(read_plan_inputs(roots, env, overrides));
}

nlohmann::json read_calibration_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw std::invalid_argument("calibration file '" + file.string() +
                                "' does not exist or is not a file");
  nlohmann::json doc;
  try {
    doc = queue::read_json_file(file, chem::kMaxCalibrationBytes);
  } catch (const queue::JsonLimitError& e) {
    throw std::invalid_argument("calibration file " + std::string(e.what()));
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument("calibration file '" + file.string() + "' is not JSON: " + e.what());
  }
  auto c = chem::calibration_from_json(doc, "file '" + file.string() + "'");
  if (c.name.empty()) doc["name"] = file.filename().string();
  return doc;
}

nlohmann::json calibration_for(const std::optional<std::string>& file, const Config& config) {
  if (file) return read_calibration_file(*file);
  if (!config.calibration.value.empty()) return read_calibration_file(config.calibration.value);
  return nullptr;
}

ToolContext job_tool_context(const Config& config, const ResourcePlan& plan,
                             const JobPaths& paths) {
  ToolContext tc;
  tc.plan = plan;
  tc.logs_dir = paths.logs();
  tc.shm_dir = config.shm_dir.value;
  tc.mpi_launcher = config.mpi_launcher.value;
  tc.step_timeout_seconds = config.step_timeout_seconds.value;
  tc.slots = config.slots.value;
  if (config.run_cache.value) tc.run_cache_dir = config.run_cache_dir();
  tc.log = make_job_logger(paths.logs() / "job.log");
  return tc;
}

std::string default_worker_id(const Config& config) {
  if (!config.worker_id.value.empty()) return config.worker_id.value;
  std::string host = container::hostname();
  for (char& c : host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')) c = '_';
  return host + "-" + std::to_string(::getpid());
}

}  // namespace qmnmr::runner
