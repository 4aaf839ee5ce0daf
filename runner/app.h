// What every subcommand shares: the loaded configuration, the resource plan
// made from it, and small helpers to print JSON or tables.
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "runner/config.h"
#include "runner/resource_plan.h"

namespace qmnmr::runner {

// The resource plan for this process under `config` (its ranks/memory
// overrides carry their origin). Throws PlanError for bad values.
ResourcePlan plan_for(const Config& config, const std::map<std::string, std::string>& env);

// The worker id: the configured one, else <hostname>-<pid>.
std::string default_worker_id(const Config& config);

}  // namespace qmnmr::runner
