// One job run to its end in its own folder, the way batch entries and bench
// compounds run: a folder that already holds the same finished job is
// skipped, a half-done one resumes at its stage, a failed one is retried from
// its last finished stage, and a folder holding a different job is left alone.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "runner/modes/config.h"
#include "runner/pipeline/job_paths.h"
#include "runner/pipeline/job_request.h"
#include "runner/resources/resource_plan.h"

namespace qmnmr::runner {

enum class FolderOutcome { complete, skipped, failed, interrupted };

// True when `paths` holds `input` and its status is complete.
bool folder_complete(const JobPaths& paths, const nlohmann::json& input);

// Runs `request` in `paths` with the programs' stop tied to SIGINT/SIGTERM
// (the caller holds a container::SignalMonitor). `status_extra` is merged
// into status.json (e.g. where a batch entry came from). On failed, `message`
// holds the error and where the logs are.
FolderOutcome run_in_folder(const JobRequest& request, const JobPaths& paths,
                            const Config& config, const ResourcePlan& plan,
                            const nlohmann::json& status_extra, std::string& message);

// Marks a folder failed before any stage ran (malformed input, bad setting).
void fail_folder(const JobPaths& paths, const nlohmann::json& input, const std::string& message);

}  // namespace qmnmr::runner
