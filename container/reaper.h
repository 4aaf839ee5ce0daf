// Reaper: PID-1 duties. Makes the worker a child subreaper (or notes that it
// is PID 1) and reaps orphans reparented to it, without ever stealing the exit
// status of a child the supervisor is waiting for.
//
// One owner per child: every program the supervisor starts is registered in
// the ChildRegistry *while it is spawned* (under the registry lock), and only
// the supervisor waits for a registered pid. reap_orphans() reaps every other
// zombie child of this process: it peeks with waitid(P_ALL, WNOWAIT), reaps
// the peeked pid when it is not registered, and, when the peek shows a
// registered child (which blocks the peek), falls back to a /proc scan for
// zombie children.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

namespace qmnmr::container {

// True when this process is PID 1 of its pid namespace (a container's init).
bool is_pid1();

// Asks the kernel to reparent orphaned descendants to this process
// (prctl PR_SET_CHILD_SUBREAPER). Returns false (and logs why) on failure.
bool become_subreaper();

// True when this process is a child subreaper (PR_GET_CHILD_SUBREAPER).
bool is_subreaper();

// The pids whose exit status belongs to the supervisor. Process-wide.
class ChildRegistry {
 public:
  // Runs `spawn` under the registry lock and registers the pid it returns
  // (when > 0), so a child that exits at once is never reaped as an orphan.
  static pid_t spawn_registered(const std::function<pid_t()>& spawn);
  static void unregister(pid_t pid);
  static bool contains(pid_t pid);

 private:
  friend int reap_orphans();
  static std::mutex& mutex();
  static std::set<pid_t>& pids();  // guarded by mutex()
};

// Reaps every zombie child of this process that is not registered. Never
// blocks. Returns how many it reaped.
int reap_orphans();

// OrphanReaper: a thread that calls reap_orphans() every `period` until
// destroyed; stops promptly (condition variable). For PID 1 / subreaper use.
class OrphanReaper {
 public:
  explicit OrphanReaper(std::chrono::milliseconds period = std::chrono::milliseconds(1000));
  OrphanReaper(const OrphanReaper&) = delete;
  OrphanReaper& operator=(const OrphanReaper&) = delete;
  ~OrphanReaper();

  int reaped() const;

 private:
  void loop();

  std::chrono::milliseconds period_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  int reaped_ = 0;
  std::thread thread_;
};

}  // namespace qmnmr::container
