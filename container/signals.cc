// SignalMonitor: async-signal-safe handlers that only count, and the
// SIGCHLD guard.
#include "container/signals.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include <spdlog/spdlog.h>

namespace qmnmr::container {
namespace {

static_assert(std::atomic<int>::is_always_lock_free, "signal counters must be lock-free");
static_assert(std::atomic<bool>::is_always_lock_free, "signal flags must be lock-free");

std::atomic<int> g_interrupts{0};
std::atomic<int> g_terminates{0};
std::atomic<int> g_hangups{0};
std::atomic<bool> g_active{false};

extern "C" void count_signal(int sig) {
  const int saved_errno = errno;
  switch (sig) {
    case SIGINT: g_interrupts.fetch_add(1, std::memory_order_relaxed); break;
    case SIGTERM: g_terminates.fetch_add(1, std::memory_order_relaxed); break;
    case SIGHUP: g_hangups.fetch_add(1, std::memory_order_relaxed); break;
    default: break;
  }
  errno = saved_errno;
}

void install(int sig, struct sigaction* old) {
  struct sigaction sa {};
  sa.sa_handler = count_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // the loops poll the counters; syscalls need not fail with EINTR
  if (::sigaction(sig, &sa, old) != 0) {
    throw std::runtime_error(std::string("sigaction(") + strsignal(sig) +
                             ") failed: " + std::strerror(errno));
  }
}

}  // namespace

SignalMonitor::SignalMonitor() {
  bool expected = false;
  if (!g_active.compare_exchange_strong(expected, true)) {
    throw std::logic_error("a SignalMonitor is already active: create only one, in main");
  }
  g_interrupts = 0;
  g_terminates = 0;
  g_hangups = 0;
  ensure_sigchld_default();
  install(SIGINT, &old_int_);
  install(SIGTERM, &old_term_);
  install(SIGHUP, &old_hup_);
  // The signals might have been blocked by whoever started us.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

SignalMonitor::~SignalMonitor() {
  ::sigaction(SIGINT, &old_int_, nullptr);
  ::sigaction(SIGTERM, &old_term_, nullptr);
  ::sigaction(SIGHUP, &old_hup_, nullptr);
  g_active = false;
}

int SignalMonitor::interrupt_count() { return g_interrupts.load(std::memory_order_relaxed); }
int SignalMonitor::terminate_count() { return g_terminates.load(std::memory_order_relaxed); }
int SignalMonitor::hangup_count() { return g_hangups.load(std::memory_order_relaxed); }

bool SignalMonitor::stop_requested() {
  return interrupt_count() > 0 || terminate_count() > 0 || hangup_count() > 0;
}

bool SignalMonitor::stop_now() { return interrupt_count() >= 2 || terminate_count() > 0; }

bool ensure_sigchld_default() {
  struct sigaction current {};
  if (::sigaction(SIGCHLD, nullptr, &current) != 0) return false;
  if (current.sa_handler != SIG_IGN && !(current.sa_flags & SA_NOCLDWAIT)) return false;
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ::sigaction(SIGCHLD, &dfl, nullptr);
  spdlog::warn("SIGCHLD was ignored (children would be auto-reaped); restored SIG_DFL so the "
               "supervisor can read exit statuses");
  return true;
}

}  // namespace qmnmr::container
