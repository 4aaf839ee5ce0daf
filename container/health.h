// Health: decides from the heartbeat files whether a worker is alive, for
// `qmnmr health` (the image's HEALTHCHECK). Healthy means: a heartbeat no
// older than max_age, not "stopped", and (when written on this host) its pid
// still running.
#pragma once
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace qmnmr::container {

struct HealthResult {
  bool healthy = false;
  std::string reason;  // why not, or a one-line summary when healthy
};

// Checks worker `worker_id`'s heartbeat under `data_dir`/workers; without an
// id, the newest heartbeat written from this host (gethostname) is checked.
HealthResult check_health(const std::filesystem::path& data_dir,
                          const std::optional<std::string>& worker_id,
                          std::chrono::seconds max_age,
                          std::chrono::system_clock::time_point now =
                              std::chrono::system_clock::now());

// One worker's heartbeat file as read.
struct WorkerBeat {
  std::filesystem::path file;
  std::string worker_id;
  long pid = 0;
  std::string hostname;
  std::string state;  // idle | busy | draining | stopped
  std::string job_id;
  std::string stage;
  double time_unix = 0;
};

// Every well-formed heartbeat under `data_dir`/workers, any host, any age
// (a malformed file is left out).
std::vector<WorkerBeat> read_heartbeats(const std::filesystem::path& data_dir);

// The workers, on any host, whose heartbeat under `data_dir`/workers is no
// older than max_age and not "stopped" (their pids are not checked: they may
// live in other containers). For a front end that only needs to know that
// someone serves the queue.
std::vector<std::string> fresh_workers(const std::filesystem::path& data_dir,
                                       std::chrono::seconds max_age,
                                       std::chrono::system_clock::time_point now =
                                           std::chrono::system_clock::now());

}  // namespace qmnmr::container
