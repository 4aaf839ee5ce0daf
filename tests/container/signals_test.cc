// SignalMonitor: counting handlers, escalation, restoring old handlers, and
// the SIGCHLD guard.
#include "container/signals.h"

#include <csignal>
#include <stdexcept>

#include <gtest/gtest.h>

namespace qmnmr::container {
namespace {

volatile sig_atomic_t g_previous_handler_hits = 0;
void previous_handler(int) { g_previous_handler_hits = g_previous_handler_hits + 1; }

TEST(SignalsTest, CountsInterruptsAndEscalates) {
  SignalMonitor monitor;
  EXPECT_EQ(SignalMonitor::interrupt_count(), 0);
  EXPECT_FALSE(SignalMonitor::stop_requested());
  ASSERT_EQ(std::raise(SIGINT), 0);
  EXPECT_EQ(SignalMonitor::interrupt_count(), 1);
  EXPECT_TRUE(SignalMonitor::stop_requested());
  EXPECT_FALSE(SignalMonitor::stop_now());
  ASSERT_EQ(std::raise(SIGINT), 0);
  EXPECT_EQ(SignalMonitor::interrupt_count(), 2);
  EXPECT_TRUE(SignalMonitor::stop_now());
  EXPECT_FALSE(SignalMonitor::terminate_requested());
}

TEST(SignalsTest, TerminateMeansStopNow) {
  SignalMonitor monitor;
  ASSERT_EQ(std::raise(SIGTERM), 0);
  EXPECT_TRUE(SignalMonitor::terminate_requested());
  EXPECT_EQ(SignalMonitor::terminate_count(), 1);
  EXPECT_TRUE(SignalMonitor::stop_now());
  ASSERT_EQ(std::raise(SIGHUP), 0);
  EXPECT_EQ(SignalMonitor::hangup_count(), 1);
}

TEST(SignalsTest, CountersResetAndOldHandlersAreRestored) {
  struct sigaction mine {}, saved {};
  mine.sa_handler = previous_handler;
  sigemptyset(&mine.sa_mask);
  ASSERT_EQ(::sigaction(SIGINT, &mine, &saved), 0);
  {
    SignalMonitor monitor;
    EXPECT_EQ(SignalMonitor::interrupt_count(), 0);  // reset from the previous test
    std::raise(SIGINT);
    EXPECT_EQ(g_previous_handler_hits, 0);
    EXPECT_THROW(SignalMonitor second, std::logic_error);
  }
  struct sigaction now {};
  ::sigaction(SIGINT, nullptr, &now);
  EXPECT_EQ(now.sa_handler, &previous_handler);
  std::raise(SIGINT);
  EXPECT_EQ(g_previous_handler_hits, 1);
  ::sigaction(SIGINT, &saved, nullptr);
  SignalMonitor again;  // the slot is free again
}

TEST(SignalsTest, SigchldIgnoreIsUndone) {
  struct sigaction ign {}, saved {};
  ign.sa_handler = SIG_IGN;
  ASSERT_EQ(::sigaction(SIGCHLD, &ign, &saved), 0);
  EXPECT_TRUE(ensure_sigchld_default());
  struct sigaction now {};
  ::sigaction(SIGCHLD, nullptr, &now);
  EXPECT_EQ(now.sa_handler, SIG_DFL);
  EXPECT_FALSE(ensure_sigchld_default());
  ::sigaction(SIGCHLD, &saved, nullptr);
}

}  // namespace
}  // namespace qmnmr::container
