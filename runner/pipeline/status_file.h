// StatusFile: a job's status.json, the document a client reads while the job
// runs. It keeps the field names of the reference service (qm-nmr-calc) and
// adds ours under new keys; every change is saved with an atomic replace.
#pragma once
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "queue/job_figures.h"

namespace qmnmr::runner {

// The current UTC time as ISO-8601 (queue::iso8601_utc of now).
std::string iso_now();

// How far a status.json's records went when a run of the job began.
struct StatusMark {
  size_t steps = 0;        // entries of steps_completed
  size_t nwchem_runs = 0;  // entries of nwchem_runs
};
StatusMark status_mark(const nlohmann::json& doc);
// What this run added after `since`: its finished steps and its NWChem runs
// (a resumed job's earlier runs are another run's figures).
queue::JobFigures run_figures(const nlohmann::json& doc, const StatusMark& since);

class StatusFile {
 public:
  // Loads `path` when it exists (a resumed job), else starts from `initial`
  // (queue::initial_status for a new job).
  StatusFile(std::filesystem::path path, nlohmann::json initial);

  nlohmann::json& doc() { return doc_; }
  const nlohmann::json& doc() const { return doc_; }
  const std::filesystem::path& path() const { return path_; }

  void save() const;

  // A step begins: status running, current_step/current_step_label set.
  void begin_step(const std::string& step, const std::string& label);
  // A step ended: appended to steps_completed with its duration and the CPU
  // seconds its programs took (every MPI rank counted).
  void end_step(const std::string& step, const std::string& label, const std::string& started_at,
                double duration_seconds, double cpu_seconds = 0);
  // The job failed: status failed, error_message, completed_at.
  void fail(const std::string& message);

 private:
  std::filesystem::path path_;
  nlohmann::json doc_;
};

}  // namespace qmnmr::runner
