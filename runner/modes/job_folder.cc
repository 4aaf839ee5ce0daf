// run_in_folder: skip, resume or retry one job in its folder (batch, bench).
#include "runner/modes/job_folder.h"

#include <ctime>

#include "container/signals.h"
#include "queue/atomic_file.h"
#include "queue/job_status.h"
#include "queue/json_limits.h"
#include "runner/modes/app.h"
#include "runner/pipeline/pipeline.h"
#include "runner/pipeline/status_file.h"
#include "runner/pipeline/tool_runner.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using nlohmann::json;

bool folder_complete(const JobPaths& paths, const json& input) {
  if (!fs::exists(paths.input()) || !fs::exists(paths.status())) return false;
  if (queue::read_json_file(paths.input()) != input) return false;
  auto doc = queue::read_json_file(paths.status());
  return doc.value("status", std::string()) == "complete";
}

void fail_folder(const JobPaths& paths, const json& input, const std::string& message) {
  paths.create();
  StatusFile status(paths.status(), queue::initial_status(paths.root.filename().string(), input,
                                                          static_cast<double>(std::time(nullptr))));
  status.fail(message);
}

FolderOutcome run_in_folder(const JobRequest& request, const JobPaths& paths,
                            const Config& config, const ResourcePlan& plan,
                            const json& status_extra, std::string& message) {
  auto input = request.to_json();
  if (fs::exists(paths.input())) {
    auto previous = queue::read_json_file(paths.input());
    if (previous != input) {
      message = paths.root.string() +
                " holds a different job (its input.json differs); delete that folder to start "
                "over, or choose another output folder";
      return FolderOutcome::failed;  // the other job's folder is left as it is
    }
    if (folder_complete(paths, input)) return FolderOutcome::skipped;
  }
  paths.create();
  queue::write_file_atomic(paths.input(), input.dump(2) + "\n");
  StatusFile status(paths.status(), queue::initial_status(paths.root.filename().string(), input,
                                                          static_cast<double>(std::time(nullptr))));
  for (const auto& [key, value] : status_extra.items()) status.doc()[key] = value;
  if (status.doc().value("status", std::string()) == "failed") {
    // A rerun retries a failed job from its last finished stage.
    status.doc()["status"] = "queued";
    status.doc()["error_message"] = nullptr;
  }
  status.doc().erase("interrupted_at_stage");
  status.save();

  ToolContext tc = job_tool_context(config, plan, paths);
  tc.should_stop = [] { return container::SignalMonitor::stop_requested(); };
  ProcessToolRunner tools(tc);
  switch (run_pipeline(request, paths, status, tools, config.reference_cache())) {
    case PipelineResult::complete: return FolderOutcome::complete;
    case PipelineResult::interrupted: return FolderOutcome::interrupted;
    case PipelineResult::failed:
      message = status.doc().value("error_message", std::string("failed")) +
                " (logs: " + paths.logs().string() + ")";
      return FolderOutcome::failed;
  }
  return FolderOutcome::failed;
}

}  // namespace qmnmr::runner
