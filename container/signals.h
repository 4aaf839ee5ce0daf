// SignalMonitor: counts SIGINT, SIGTERM and SIGHUP for the worker loop. The
// handlers only bump lock-free atomic counters; the worker loop (and the
// supervisor's should_stop callback) is the one place that looks at them.
//
// Use: construct one SignalMonitor in main (or the worker) for the lifetime of
// the loop; it restores the previous handlers when destroyed. A first SIGINT
// means "drain" (stop claiming, finish the step within the drain time); a
// second SIGINT, or any SIGTERM, means "stop now". SIGCHLD is left at (or put
// back to) SIG_DFL: SIG_IGN would make the kernel discard exit statuses and
// break the supervisor's waitpid.
#pragma once
#include <signal.h>

namespace qmnmr::container {

class SignalMonitor {
 public:
  // Installs the handlers and resets the counters. Only one monitor may be
  // alive at a time; a second throws std::logic_error.
  SignalMonitor();
  SignalMonitor(const SignalMonitor&) = delete;
  SignalMonitor& operator=(const SignalMonitor&) = delete;
  ~SignalMonitor();

  // Counters since construction. Safe to call from any thread.
  static int interrupt_count();    // SIGINT
  static int terminate_count();    // SIGTERM
  static int hangup_count();       // SIGHUP
  static bool terminate_requested() { return terminate_count() > 0; }
  // Something asked us to stop (first SIGINT, SIGTERM or SIGHUP): drain.
  static bool stop_requested();
  // Stop at once: a second SIGINT or any SIGTERM.
  static bool stop_now();

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
  struct sigaction old_hup_ {};
};

// Puts SIGCHLD back to SIG_DFL when something set it to SIG_IGN (which makes
// children auto-reaped and waitpid fail with ECHILD). Returns true if it had
// to change it.
bool ensure_sigchld_default();

}  // namespace qmnmr::container
