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

namespace {

const nlohmann::json& array_at(const nlohmann::json& doc, const char* key) {
  static const nlohmann::json empty = nlohmann::json::array();
  auto it = doc.find(key);
  return it != doc.end() && it->is_array() ? *it : empty;
}

// Entries after `from`; all of them when the record was started anew since.
size_t first_new(const nlohmann::json& list, size_t from) {
  return from <= list.size() ? from : 0;
}

}  // namespace

StatusMark status_mark(const nlohmann::json& doc) {
  return {array_at(doc, "steps_completed").size(), array_at(doc, "nwchem_runs").size()};
}

queue::JobFigures run_figures(const nlohmann::json& doc, const StatusMark& since) {
  queue::JobFigures out;
  const auto& steps = array_at(doc, "steps_completed");
  for (size_t i = first_new(steps, since.steps); i < steps.size(); ++i) {
    const auto& s = steps[i];
    if (!s.is_object() || !s.contains("step") || !s["step"].is_string()) continue;
    out.stages.push_back({s["step"].get<std::string>(), s.value("duration_seconds", 0.0),
                          s.value("cpu_seconds", 0.0)});
  }
  const auto& runs = array_at(doc, "nwchem_runs");
  for (size_t i = first_new(runs, since.nwchem_runs); i < runs.size(); ++i) {
    const auto& r = runs[i];
    if (!r.is_object()) continue;
    out.nwchem_runs.push_back({r.value("stage", std::string("unknown")),
                               r.value("failure", std::string("unknown")), r.value("cached", false),
                               r.value("seconds", 0.0)});
  }
  return out;
}

}  // namespace qmnmr::runner
