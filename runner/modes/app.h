// What every subcommand shares: the loaded configuration, the resource plan
// made from it, and small helpers to print JSON or tables.
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "runner/modes/config.h"
#include "runner/pipeline/pipeline.h"
#include "runner/resources/resource_plan.h"
#include "runner/pipeline/tool_runner.h"

namespace qmnmr::runner {

// The resource plan for this process under `config` (its ranks/memory
// overrides carry their origin). Throws PlanError for bad values.
ResourcePlan plan_for(const Config& config, const std::map<std::string, std::string>& env);

// How one job's programs run under `config` and `plan`: logs in the job's
// logs/ (job.log in JSON lines), shm dir, launcher and step limit from the
// config. The caller adds should_stop (and may_start/on_child).
ToolContext job_tool_context(const Config& config, const ResourcePlan& plan,
                             const JobPaths& paths);

// A calibration file (qmnmr bench accuracy --write-calibration) as the
// document a job request carries, checked; its name defaults to the file
// name. Throws std::invalid_argument or chem::ChemError naming the file.
nlohmann::json read_calibration_file(const std::filesystem::path& file);

// The calibration a new job gets: the file given on the command line, else
// the `calibration` setting, else none (null).
nlohmann::json calibration_for(const std::optional<std::string>& file, const Config& config);

// The worker id: the configured one, else <hostname>-<pid>.
std::string default_worker_id(const Config& config);

}  // namespace qmnmr::runner
