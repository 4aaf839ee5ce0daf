// iso8601_utc, initial_status and apply_record.
#include "queue/job_status.h"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace qmnmr::queue {

std::string iso8601_utc(double unix_seconds) {
  double whole = std::floor(unix_seconds);
  auto micros = static_cast<long>(std::llround((unix_seconds - whole) * 1e6));
  auto t = static_cast<std::time_t>(whole);
  if (micros >= 1000000) {
    micros -= 1000000;
    t += 1;
  }
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[80];
  std::snprintf(out, sizeof out, "%s.%06ldZ", date, micros);
  return out;
}

nlohmann::json initial_status(const std::string& job_id, const nlohmann::json& input,
                              double created_at_unix) {
  nlohmann::json s = nlohmann::json::object();
  s["job_id"] = job_id;
  s["status"] = "queued";
  s["created_at"] = iso8601_utc(created_at_unix);
  s["started_at"] = nullptr;
  s["completed_at"] = nullptr;
  s["input"] = input;
  s["nwchem_version"] = nullptr;
  s["current_step"] = nullptr;
  s["current_step_label"] = nullptr;
  s["step_started_at"] = nullptr;
  s["steps_completed"] = nlohmann::json::array();
  s["error_message"] = nullptr;
  s["nmr_results"] = nullptr;
  s["optimized_geometry_file"] = nullptr;
  s["conformer_mode"] = input.is_object() ? input.value("conformer_mode", "single") : "single";
  s["conformer_ensemble"] = nullptr;
  s["conformer_method_warning"] = nullptr;
  s["nwchem_actual_processes"] = nullptr;
  s["nwchem_actual_memory_mb"] = nullptr;
  // qmnmr's own keys.
  s["attempts"] = 0;
  s["worker_id"] = nullptr;
  s["last_stage"] = nullptr;
  s["cancel_requested"] = false;
  return s;
}

void apply_record(nlohmann::json& status, const JobRecord& r) {
  auto opt_time = [](const std::optional<double>& t) -> nlohmann::json {
    return t ? nlohmann::json(iso8601_utc(*t)) : nlohmann::json(nullptr);
  };
  auto opt_text = [](const std::optional<std::string>& s) -> nlohmann::json {
    return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
  };
  status["job_id"] = r.id;
  status["status"] = std::string(to_string(r.state));
  status["created_at"] = iso8601_utc(r.created_at);
  status["started_at"] = opt_time(r.started_at);
  status["completed_at"] = opt_time(r.completed_at);
  status["error_message"] = opt_text(r.error_message);
  status["attempts"] = r.attempts;
  status["max_attempts"] = r.max_attempts;
  status["worker_id"] = opt_text(r.worker_id);
  status["last_stage"] = opt_text(r.last_stage);
  status["cancel_requested"] = r.cancel_requested;
}

}  // namespace qmnmr::queue
