// WorkerState, the heartbeat JSON and HeartbeatWriter's thread.
#include "container/heartbeat.h"

#include <unistd.h>

#include <ctime>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "queue/atomic_file.h"

namespace qmnmr::container {

std::string hostname() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == '\0') return "unknown";
  return buf;
}

const char* to_string(WorkerState::State state) {
  switch (state) {
    case WorkerState::State::idle: return "idle";
    case WorkerState::State::busy: return "busy";
    case WorkerState::State::draining: return "draining";
    case WorkerState::State::stopped: return "stopped";
  }
  return "unknown";
}

WorkerState::WorkerState(std::string worker_id) : id_(std::move(worker_id)) {
  if (id_.empty() || id_ == "." || id_ == ".." || id_.find('/') != std::string::npos ||
      id_.find('\0') != std::string::npos) {
    throw std::invalid_argument("worker id '" + id_ +
                                "' cannot name a heartbeat file: use letters, digits, '-', '_'");
  }
}

void WorkerState::set_state(State state) {
  std::lock_guard lock(mutex_);
  state_ = state;
}

void WorkerState::set_job(std::string job_id, std::string stage) {
  std::lock_guard lock(mutex_);
  job_id_ = std::move(job_id);
  stage_ = std::move(stage);
  if (state_ == State::idle) state_ = State::busy;
}

void WorkerState::set_stage(std::string stage) {
  std::lock_guard lock(mutex_);
  stage_ = std::move(stage);
}

void WorkerState::child_started(pid_t pid) {
  std::lock_guard lock(mutex_);
  if (pid > 0) children_.push_back(pid);
}

void WorkerState::child_ended(pid_t pid) {
  std::lock_guard lock(mutex_);
  std::erase(children_, pid);
}

void WorkerState::clear_job() {
  std::lock_guard lock(mutex_);
  job_id_.clear();
  stage_.clear();
  children_.clear();
  if (state_ == State::busy) state_ = State::idle;
}

WorkerSnapshot WorkerState::snapshot() const {
  static const std::string host = hostname();
  std::lock_guard lock(mutex_);
  return WorkerSnapshot{id_,    ::getpid(), host, to_string(state_), job_id_,
                        stage_, children_.empty() ? 0 : children_.front(), children_};
}

std::filesystem::path heartbeat_path(const std::filesystem::path& data_dir, const std::string& id) {
  return data_dir / "workers" / (id + ".json");
}

std::string iso8601_utc(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  long frac = static_cast<long>(ms % 1000);
  if (frac < 0) {
    frac += 1000;
    --secs;
  }
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

std::string heartbeat_json(const WorkerSnapshot& s, std::chrono::system_clock::time_point now) {
  using nlohmann::json;
  json j;
  j["worker_id"] = s.worker_id;
  j["pid"] = s.pid;
  j["hostname"] = s.hostname;
  j["state"] = s.state;
  j["job_id"] = s.job_id.empty() ? json(nullptr) : json(s.job_id);
  j["stage"] = s.stage.empty() ? json(nullptr) : json(s.stage);
  j["child_pid"] = s.child_pid > 0 ? json(s.child_pid) : json(nullptr);
  j["child_pids"] = s.child_pids;
  j["time"] = iso8601_utc(now);
  j["time_unix"] =
      std::chrono::duration<double>(now.time_since_epoch()).count();
  return j.dump(2) + "\n";
}

HeartbeatWriter::HeartbeatWriter(std::filesystem::path data_dir, WorkerState& state,
                                 std::chrono::milliseconds interval, std::function<void()> on_tick)
    : path_(heartbeat_path(data_dir, state.worker_id())),
      state_(state),
      interval_(interval),
      on_tick_(std::move(on_tick)) {
  std::filesystem::create_directories(path_.parent_path());  // throws naming the path
  if (!write_beat(false)) {
    throw std::runtime_error("cannot write heartbeat " + path_.string() +
                             ": check that the data directory is writable");
  }
  thread_ = std::thread([this] { loop(); });
}

HeartbeatWriter::~HeartbeatWriter() { stop(); }

int HeartbeatWriter::beats() const {
  std::lock_guard lock(mutex_);
  return beats_;
}

bool HeartbeatWriter::write_beat(bool final) {
  std::lock_guard beat(beat_mutex_);
  WorkerSnapshot snap = state_.snapshot();
  if (final) {
    snap.state = "stopped";
    snap.child_pid = 0;
    snap.child_pids.clear();
  }
  bool ok = true;
  try {
    queue::write_file_atomic(path_, heartbeat_json(snap, std::chrono::system_clock::now()));
    std::lock_guard lock(mutex_);
    ++beats_;
  } catch (const std::exception& e) {
    ok = false;
    spdlog::error("heartbeat: {}", e.what());
  }
  if (!final && on_tick_) {
    try {
      on_tick_();
    } catch (const std::exception& e) {
      spdlog::error("heartbeat tick: {}", e.what());
    }
  }
  return ok;
}

bool HeartbeatWriter::beat_now() { return write_beat(false); }

void HeartbeatWriter::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) return;
    lock.unlock();
    write_beat(false);
    lock.lock();
  }
}

void HeartbeatWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  write_beat(true);
}

}  // namespace qmnmr::container
