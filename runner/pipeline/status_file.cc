// StatusFile: load, update and atomically save status.json.
#include "runner/pipeline/status_file.h"

#include <chrono>

#include "queue/atomic_file.h"
#include "queue/job_status.h"
#include "queue/json_limits.h"

namespace qmnmr::runner {

std::string iso_now() {
  return queue::iso8601_utc(
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
}

StatusFile::StatusFile(std::filesystem::path path, nlohmann::json initial)
    : path_(std::move(path)), doc_(std::move(initial)) {
  std::error_code ec;
  if (std::filesystem::exists(path_, ec)) {
    try {
      auto loaded = queue::read_json_file(path_);
      if (loaded.is_object()) doc_ = std::move(loaded);
    } catch (const std::exception&) {
      // A damaged status.json (not JSON, or beyond queue/json_limits.h: edited
      // by hand) is replaced by a fresh one; stages keep their own
      // done-records, so nothing finished is lost.
    }
  }
}

void StatusFile::save() const { queue::write_file_atomic(path_, doc_.dump(2) + "\n"); }

void StatusFile::begin_step(const std::string& step, const std::string& label) {
  doc_["status"] = "running";
  if (doc_.value("started_at", nlohmann::json()).is_null()) doc_["started_at"] = iso_now();
  doc_["current_step"] = step;
  doc_["current_step_label"] = label;
  doc_["error_message"] = nullptr;
  save();
}

void StatusFile::end_step(const std::string& step, const std::string& label,
                          const std::string& started_at, double duration_seconds,
                          double cpu_seconds) {
  auto& steps = doc_["steps_completed"];
  if (!steps.is_array()) steps = nlohmann::json::array();
  steps.push_back({{"step", step},
                   {"label", label},
                   {"started_at", started_at},
                   {"completed_at", iso_now()},
                   {"duration_seconds", duration_seconds},
                   {"cpu_seconds", cpu_seconds}});
  save();
}

void StatusFile::fail(const std::string& message) {
  doc_["status"] = "failed";
  doc_["error_message"] = message;
  doc_["completed_at"] = iso_now();
  save();
}

}  // namespace qmnmr::runner
