// The queue's clients on the command line: submit, status, list, cancel,
// result, backup and restore. Each opens the data root's queue and job store, does one thing,
// and prints text or JSON.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "runner/modes/config.h"
#include "runner/pipeline/job_request.h"

namespace qmnmr::runner {

struct QueueCommandOptions {
  std::string id;
  std::optional<std::string> state;
  int priority = 0;
  bool json = false;
  bool csv = false;
};

int cmd_submit(const Config& config, const JobRequest& request, const QueueCommandOptions& o);
int cmd_status(const Config& config, const QueueCommandOptions& o);
int cmd_list(const Config& config, const QueueCommandOptions& o);
int cmd_cancel(const Config& config, const QueueCommandOptions& o);
int cmd_result(const Config& config, const QueueCommandOptions& o);
// The data root (--data) copied into `dir` while workers run / made from one.
int cmd_backup(const Config& config, const std::filesystem::path& dir);
int cmd_restore(const Config& config, const std::filesystem::path& dir);

// The shifts of a status.json as an aligned text table.
std::string format_results_table(const nlohmann::json& status);

// Checks a request before it is queued or run: settings and the molecule
// itself (parsed, elements in the basis sets, charge and multiplicity).
void validate_request(const JobRequest& request);

}  // namespace qmnmr::runner
