// Subreaper set-up, the registry of supervised children and orphan reaping.
#include "container/reaper.h"

#include "container/proc_table.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

namespace qmnmr::container {

bool is_pid1() { return ::getpid() == 1; }

bool become_subreaper() {
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
    spdlog::warn("prctl(PR_SET_CHILD_SUBREAPER) failed: {}; orphans of our children will be "
                 "reaped by the system's init instead",
                 std::strerror(errno));
    return false;
  }
  return true;
}

bool is_subreaper() {
  int value = 0;
  if (::prctl(PR_GET_CHILD_SUBREAPER, &value, 0, 0, 0) != 0) return false;
  return value != 0;
}

std::mutex& ChildRegistry::mutex() {
  static std::mutex m;
  return m;
}

std::set<pid_t>& ChildRegistry::pids() {
  static std::set<pid_t> p;
  return p;
}

pid_t ChildRegistry::spawn_registered(const std::function<pid_t()>& spawn) {
  std::lock_guard lock(mutex());
  pid_t pid = spawn();
  if (pid > 0) pids().insert(pid);
  return pid;
}

void ChildRegistry::unregister(pid_t pid) {
  std::lock_guard lock(mutex());
  pids().erase(pid);
}

bool ChildRegistry::contains(pid_t pid) {
  std::lock_guard lock(mutex());
  return pids().count(pid) > 0;
}

namespace {

// Zombie children of this process.
std::vector<pid_t> zombie_children() {
  std::vector<pid_t> out;
  const pid_t self = ::getpid();
  for (const auto& p : scan_processes())
    if (p.state == 'Z' && p.ppid == self) out.push_back(p.pid);
  return out;
}

bool reap_one(pid_t pid) {
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid) {
    spdlog::debug("reaped orphan pid {} ({})", pid,
                  WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                      : "exit " + std::to_string(WEXITSTATUS(status)));
    return true;
  }
  return false;
}

}  // namespace

int reap_orphans() {
  std::lock_guard lock(ChildRegistry::mutex());
  const auto& registered = ChildRegistry::pids();
  int reaped = 0;
  for (;;) {
    siginfo_t info{};
    int r = ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT);
    if (r < 0) {
      if (errno == EINTR) continue;
      return reaped;  // ECHILD: no children at all
    }
    if (info.si_pid == 0) return reaped;  // children exist, none has exited
    if (registered.count(info.si_pid) == 0) {
      if (reap_one(info.si_pid)) {
        ++reaped;
        continue;
      }
      return reaped;
    }
    break;  // a registered zombie is first in line: look past it in /proc
  }
  for (pid_t pid : zombie_children()) {
    if (registered.count(pid) == 0 && reap_one(pid)) ++reaped;
  }
  return reaped;
}

OrphanReaper::OrphanReaper(std::chrono::milliseconds period)
    : period_(period), thread_([this] { loop(); }) {}

OrphanReaper::~OrphanReaper() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

int OrphanReaper::reaped() const {
  std::lock_guard lock(mutex_);
  return reaped_;
}

void OrphanReaper::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    int n = reap_orphans();
    lock.lock();
    reaped_ += n;
    wake_.wait_for(lock, period_, [this] { return stopping_; });
  }
}

}  // namespace qmnmr::container
