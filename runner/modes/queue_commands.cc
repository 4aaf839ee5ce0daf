// submit, status, list, cancel and result.
#include "runner/modes/queue_commands.h"

#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>

#include <spdlog/spdlog.h>

#include "queue/atomic_file.h"
#include "queue/backup.h"
#include "queue/error.h"
#include "queue/filesystem_check.h"
#include "queue/job_id.h"
#include "queue/job_queue.h"
#include "queue/job_status.h"
#include "queue/job_store.h"
#include "queue/job_submission.h"
#include "runner/pipeline/pipeline.h"
#include "runner/pipeline/status_file.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct QueueHandle {
  queue::JobStore store;
  queue::JobQueue queue;
};

QueueHandle open_queue(const Config& config, bool create) {
  queue::JobStore store(config.data_dir.value);
  if (!create && !fs::exists(store.queue_db_path()))
    throw queue::QueueError("no queue at " + store.queue_db_path().string() +
                            "; submit a job first, or point --data (QMNMR_DATA) at the data root");
  if (auto warning = queue::require_local_filesystem(store.root(), config.force_network_fs.value))
    spdlog::warn("{}", *warning);
  store.ensure_layout();
  return {store, queue::JobQueue(store.queue_db_path())};
}

json status_of(QueueHandle& h, const std::string& id) {
  auto status = queue::job_status(h.store, h.queue, id);
  if (!status) throw queue::QueueError("no job '" + id + "' in " + h.store.root().string());
  return *status;
}

std::string fmt(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

void validate_request(const JobRequest& request) {
  check_request_settings(request);
  load_request_molecule(request, /*embed=*/false);  // the worker embeds it
}

int cmd_submit(const Config& config, const JobRequest& request, const QueueCommandOptions& o) {
  validate_request(request);  // nothing is queued for bad input
  auto h = open_queue(config, true);
  auto id = queue::submit_job(h.store, h.queue, request.to_json(), o.priority);
  if (o.json) std::cout << json{{"job_id", id}, {"status", "queued"}}.dump() << "\n";
  else std::cout << id << "\n";
  return 0;
}

int cmd_status(const Config& config, const QueueCommandOptions& o) {
  auto h = open_queue(config, false);
  auto status = status_of(h, o.id);
  if (o.json) {
    std::cout << status.dump(2) << "\n";
    return 0;
  }
  std::cout << "job:     " << o.id << "\nstatus:  " << status.value("status", "?") << "\n";
  if (status.contains("current_step_label") && status["current_step_label"].is_string())
    std::cout << "step:    " << status["current_step_label"].get<std::string>() << "\n";
  if (status.contains("steps_completed"))
    for (const auto& s : status["steps_completed"])
      std::cout << "  done:  " << s.value("step", "") << " ("
                << fmt(s.value("duration_seconds", 0.0), 1) << " s)\n";
  if (status.contains("error_message") && status["error_message"].is_string())
    std::cout << "error:   " << status["error_message"].get<std::string>() << "\n";
  return 0;
}

int cmd_list(const Config& config, const QueueCommandOptions& o) {
  auto h = open_queue(config, false);
  std::optional<queue::JobState> state;
  if (o.state) state = queue::parse_job_state(*o.state);
  auto jobs = h.queue.list(state);
  if (o.json) {
    json out = json::array();
    for (const auto& r : jobs) {
      json row{{"job_id", r.id},
               {"status", std::string(queue::to_string(r.state))},
               {"priority", r.priority},
               {"attempts", r.attempts},
               {"created_at", queue::iso8601_utc(r.created_at)},
               {"last_stage", r.last_stage ? json(*r.last_stage) : json()},
               {"error_message", r.error_message ? json(*r.error_message) : json()}};
      out.push_back(row);
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("%-40s %-10s %-4s %-12s %s\n", "JOB", "STATUS", "TRY", "LAST STAGE", "CREATED");
  for (const auto& r : jobs)
    std::printf("%-40s %-10s %-4d %-12s %s\n", r.id.c_str(),
                std::string(queue::to_string(r.state)).c_str(), r.attempts,
                r.last_stage.value_or("-").c_str(), queue::iso8601_utc(r.created_at).c_str());
  return 0;
}

int cmd_cancel(const Config& config, const QueueCommandOptions& o) {
  auto h = open_queue(config, false);
  auto result = queue::cancel_job(h.store, h.queue, o.id);
  std::cout << result.message << "\n";
  return result.outcome == queue::CancelOutcome::not_found ||
                 result.outcome == queue::CancelOutcome::already_terminal
             ? 1
             : 0;
}

namespace {

std::string state_counts(const std::map<std::string, int64_t>& by_state) {
  std::string out;
  for (const auto& [state, n] : by_state)
    if (n) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + state;
  return out.empty() ? "no jobs" : out;
}

}  // namespace

int cmd_backup(const Config& config, const std::filesystem::path& dir) {
  const auto root = std::filesystem::absolute(config.data_dir.value);
  auto r = queue::backup_data_root(root, dir, "qmnmr " QMNMR_VERSION);
  std::printf("backed up %s into %s: %s; %lld files, %.1f MB (queue schema %d)\n", root.c_str(),
              dir.c_str(), state_counts(r.jobs_by_state).c_str(), static_cast<long long>(r.files),
              r.bytes / 1e6, r.queue_schema_version);
  for (const auto& s : r.skipped) std::printf("  not copied: %s\n", s.c_str());
  return 0;
}

int cmd_restore(const Config& config, const std::filesystem::path& dir) {
  const auto root = std::filesystem::absolute(config.data_dir.value);
  auto r = queue::restore_data_root(dir, root);
  std::printf("restored %s into %s: %s; %lld files\n", dir.c_str(), root.c_str(),
              state_counts(r.jobs_by_state).c_str(), static_cast<long long>(r.files));
  for (const auto& id : r.requeued)
    std::printf("  %s was running: back in the queue, resuming after its last finished stage\n",
                id.c_str());
  return 0;
}

std::string format_results_table(const json& status) {
  std::ostringstream out;
  const auto& r = status.value("nmr_results", json());
  if (!r.is_object()) return "no results\n";
  if (r.contains("stereoisomers")) {  // --stereoisomers all: one table per isomer
    for (const auto& isomer : r["stereoisomers"]) {
      out << "stereoisomer " << isomer.value("isomer", 0) << ": "
          << isomer.value("smiles", std::string()) << "\n"
          << format_results_table(json{{"nmr_results", isomer}});
    }
    return out.str();
  }
  for (const auto& [key, title] : {std::pair{"h1_shifts", "1H"}, std::pair{"c13_shifts", "13C"}}) {
    if (!r.contains(key) || r[key].empty()) continue;
    out << title << " shifts (ppm)\n";
    char line[128];
    std::snprintf(line, sizeof line, "  %-6s %-6s %12s %10s\n", "index", "atom", "shielding",
                  "shift");
    out << line;
    for (const auto& row : r[key]) {
      std::snprintf(line, sizeof line, "  %-6d %-6s %12.3f %10.2f\n", row.value("index", 0),
                    row.value("atom", std::string()).c_str(), row.value("shielding", 0.0),
                    row.value("shift", 0.0));
      out << line;
    }
  }
  return out.str();
}

int cmd_result(const Config& config, const QueueCommandOptions& o) {
  auto h = open_queue(config, false);
  auto status = status_of(h, o.id);
  auto state = status.value("status", std::string());
  if (state != "complete")
    throw queue::QueueError("job " + o.id + " is " + state +
                            ", not complete; see `qmnmr status " + o.id + "`");
  auto out = h.store.output_dir(o.id);
  if (o.json) std::cout << queue::read_file(out / "results.json");
  else if (o.csv) std::cout << queue::read_file(out / "shifts.csv");
  else std::cout << format_results_table(status);
  return 0;
}

}  // namespace qmnmr::runner
