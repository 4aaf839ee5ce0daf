// check_health: read heartbeat files, pick the right one, judge it.
#include "container/health.h"

#include <signal.h>
#include <sys/types.h>

#include <cerrno>
#include <cmath>
#include <vector>

#include <nlohmann/json.hpp>

#include "container/heartbeat.h"
#include "queue/atomic_file.h"
#include "queue/json_limits.h"

namespace qmnmr::container {
namespace {

using Beat = WorkerBeat;

// Parses one heartbeat file; on failure returns nullopt and sets `error`.
std::optional<Beat> load_beat(const std::filesystem::path& file, std::string& error) {
  try {
    const auto j = queue::read_json_file(file);
    Beat b;
    b.file = file;
    b.worker_id = j.at("worker_id").get<std::string>();
    b.pid = j.at("pid").get<long>();
    b.hostname = j.at("hostname").get<std::string>();
    b.state = j.at("state").get<std::string>();
    b.time_unix = j.at("time_unix").get<double>();
    if (j.contains("job_id") && j["job_id"].is_string()) b.job_id = j["job_id"].get<std::string>();
    if (j.contains("stage") && j["stage"].is_string()) b.stage = j["stage"].get<std::string>();
    if (b.pid <= 0 || !std::isfinite(b.time_unix)) throw std::runtime_error("bad pid or time_unix");
    return b;
  } catch (const std::exception& e) {
    error = "heartbeat file " + file.string() + " is malformed (" + e.what() +
            "): remove it or let the worker rewrite it";
    return std::nullopt;
  }
}

std::string whole_seconds(double s) { return std::to_string(static_cast<long long>(std::floor(s))); }

}  // namespace

HealthResult check_health(const std::filesystem::path& data_dir,
                          const std::optional<std::string>& worker_id,
                          std::chrono::seconds max_age,
                          std::chrono::system_clock::time_point now) {
  const auto dir = data_dir / "workers";
  const std::string no_beat = "no heartbeat in " + dir.string() +
                              " (is a worker running with --data " + data_dir.string() + "?)";
  const std::string host = hostname();
  std::optional<Beat> beat;
  std::string error;

  if (worker_id) {
    const auto file = heartbeat_path(data_dir, *worker_id);
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
      return {false, "no heartbeat of worker " + *worker_id + " in " + dir.string() +
                         " (is a worker running with --data " + data_dir.string() + "?)"};
    }
    beat = load_beat(file, error);
    if (!beat) return {false, error};
  } else {
    std::error_code ec;
    int other_hosts = 0;
    std::vector<std::string> malformed;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() != ".json" || entry.path().filename().string()[0] == '.') {
        continue;
      }
      std::string why;
      auto b = load_beat(entry.path(), why);
      if (!b) {
        malformed.push_back(why);
        continue;
      }
      if (b->hostname != host) {
        ++other_hosts;
        continue;
      }
      if (!beat || b->time_unix > beat->time_unix) beat = std::move(b);
    }
    if (!beat) {
      if (!malformed.empty()) return {false, malformed.front()};
      std::string reason = no_beat;
      if (other_hosts > 0) {
        reason += "; " + std::to_string(other_hosts) + " heartbeat(s) from other hosts than " +
                  host + ": pass the worker id to check one of them";
      }
      return {false, reason};
    }
  }

  const std::string who = "worker " + beat->worker_id;
  if (beat->state == "stopped") return {false, who + " has stopped"};
  if (beat->hostname == host && ::kill(static_cast<pid_t>(beat->pid), 0) != 0 && errno == ESRCH) {
    return {false, who + " pid " + std::to_string(beat->pid) + " is not running"};
  }
  const double now_unix = std::chrono::duration<double>(now.time_since_epoch()).count();
  const double age = now_unix - beat->time_unix;
  if (age > static_cast<double>(max_age.count())) {
    return {false, "heartbeat of " + who + " is " + whole_seconds(age) + " s old (max " +
                       std::to_string(max_age.count()) + " s)"};
  }
  std::string summary = who + " is " + beat->state;
  if (!beat->job_id.empty()) {
    summary += " (job " + beat->job_id + (beat->stage.empty() ? "" : ", stage " + beat->stage) + ")";
  }
  summary += ", heartbeat " + whole_seconds(std::max(age, 0.0)) + " s old";
  return {true, summary};
}

std::vector<WorkerBeat> read_heartbeats(const std::filesystem::path& data_dir) {
  std::vector<WorkerBeat> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir / "workers", ec)) {
    if (entry.path().extension() != ".json" || entry.path().filename().string()[0] == '.')
      continue;
    std::string why;
    if (auto b = load_beat(entry.path(), why)) out.push_back(std::move(*b));
  }
  return out;
}

std::vector<std::string> fresh_workers(const std::filesystem::path& data_dir,
                                       std::chrono::seconds max_age,
                                       std::chrono::system_clock::time_point now) {
  const double now_unix = std::chrono::duration<double>(now.time_since_epoch()).count();
  std::vector<std::string> out;
  for (const auto& b : read_heartbeats(data_dir))
    if (b.state != "stopped" && now_unix - b.time_unix <= static_cast<double>(max_age.count()))
      out.push_back(b.worker_id);
  return out;
}

}  // namespace qmnmr::container
