// Heartbeat: the worker's state (WorkerState, thread-safe) and the thread that
// every few seconds atomically replaces <data>/workers/<id>.json with it and
// then runs a tick callback (the worker extends its job lease there).
//
// On stop() the file is kept, rewritten once more with state "stopped": an
// operator sees when and how the worker ended, and `qmnmr health` reports
// "worker X has stopped" instead of a bare "no heartbeat".
#pragma once
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <vector>
#include <thread>

namespace qmnmr::container {

// This machine's host name (gethostname), "unknown" when it has none.
std::string hostname();

struct WorkerSnapshot {
  std::string worker_id;
  pid_t pid = 0;
  std::string hostname;
  std::string state;      // idle | busy | draining | stopped
  std::string job_id;     // empty: no job
  std::string stage;      // empty: no stage
  pid_t child_pid = 0;    // 0: no child running; else the longest-running one
  std::vector<pid_t> child_pids;  // every running child (packed NWChem slots run several)
};

// What the worker is doing right now; every method is thread-safe.
class WorkerState {
 public:
  enum class State { idle, busy, draining, stopped };

  // pid and hostname are this process's. The id names the heartbeat file, so
  // it must be a plain file name (no '/', not "." or ".."); throws otherwise.
  explicit WorkerState(std::string worker_id);

  void set_state(State state);
  void set_job(std::string job_id, std::string stage = {});  // also sets busy
  void set_stage(std::string stage);
  void child_started(pid_t pid);
  void child_ended(pid_t pid);
  void clear_job();               // job, stage and child cleared; idle unless draining/stopped

  const std::string& worker_id() const { return id_; }
  WorkerSnapshot snapshot() const;

 private:
  const std::string id_;
  mutable std::mutex mutex_;
  State state_ = State::idle;
  std::string job_id_;
  std::string stage_;
  std::vector<pid_t> children_;  // in the order they started
};

const char* to_string(WorkerState::State state);

// Path of worker `id`'s heartbeat under a data root: <data>/workers/<id>.json.
std::filesystem::path heartbeat_path(const std::filesystem::path& data_dir, const std::string& id);

// The heartbeat JSON text for `snapshot` at `now`.
std::string heartbeat_json(const WorkerSnapshot& snapshot,
                           std::chrono::system_clock::time_point now);

// ISO-8601 UTC with milliseconds, e.g. "2024-05-01T12:00:00.123Z".
std::string iso8601_utc(std::chrono::system_clock::time_point t);

// Owns the heartbeat thread. The first beat is written before the constructor
// returns (a data root that cannot take it throws std::runtime_error or
// std::filesystem::filesystem_error, loudly and early); then one beat every
// `interval`. Write errors and exceptions from `on_tick` are logged, never
// thrown from the thread.
class HeartbeatWriter {
 public:
  HeartbeatWriter(std::filesystem::path data_dir, WorkerState& state,
                  std::chrono::milliseconds interval = std::chrono::seconds(5),
                  std::function<void()> on_tick = {});
  HeartbeatWriter(const HeartbeatWriter&) = delete;
  HeartbeatWriter& operator=(const HeartbeatWriter&) = delete;
  ~HeartbeatWriter();  // stop()

  // Writes a beat and runs on_tick now, from the calling thread (e.g. right
  // after the state changed). Returns false when the write failed.
  bool beat_now();

  // Stops the thread promptly (no sleeping out the interval), joins it, and
  // writes a last beat with state "stopped". Idempotent.
  void stop();

  const std::filesystem::path& path() const { return path_; }
  int beats() const;  // successful writes so far

 private:
  bool write_beat(bool final);
  void loop();

  const std::filesystem::path path_;
  WorkerState& state_;
  const std::chrono::milliseconds interval_;
  const std::function<void()> on_tick_;
  std::mutex beat_mutex_;  // one beat at a time
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool stopped_ = false;
  int beats_ = 0;
  std::thread thread_;
};

}  // namespace qmnmr::container
