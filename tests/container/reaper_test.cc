// Orphan reaping as a subreaper: a double-forked grandchild is reaped, a
// registered child's exit status is left for its owner.
#include "container/reaper.h"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

namespace qmnmr::container {
namespace {

using std::chrono::milliseconds;

// State letter and ppid of a pid from /proc, or {0, 0} when it is gone.
std::pair<char, pid_t> proc_state(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return {0, 0};
  std::istringstream rest(line.substr(line.rfind(')') + 1));
  char state = 0;
  pid_t ppid = 0;
  rest >> state >> ppid;
  return {state, ppid};
}

bool wait_until(const std::function<bool()>& cond, milliseconds limit = milliseconds(5000)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

// Forks a child that forks a grandchild and exits; the grandchild exits after
// `delay_ms`. Returns the grandchild's pid (learnt through a pipe).
pid_t make_orphan(int delay_ms) {
  int fds[2];
  if (::pipe(fds) != 0) return -1;
  pid_t child = ::fork();
  if (child == 0) {
    pid_t grandchild = ::fork();
    if (grandchild == 0) {
      struct timespec ts {0, delay_ms * 1000000L};
      ::nanosleep(&ts, nullptr);
      ::_exit(3);
    }
    ssize_t n = ::write(fds[1], &grandchild, sizeof grandchild);
    ::_exit(n == sizeof grandchild ? 0 : 1);
  }
  ::close(fds[1]);
  pid_t grandchild = -1;
  if (::read(fds[0], &grandchild, sizeof grandchild) != sizeof grandchild) grandchild = -1;
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  return grandchild;
}

TEST(ReaperTest, SubreaperReapsDoubleForkedOrphan) {
  ASSERT_TRUE(become_subreaper());
  EXPECT_TRUE(is_subreaper());
  EXPECT_FALSE(is_pid1());
  reap_orphans();  // start clean
  pid_t orphan = make_orphan(100);
  ASSERT_GT(orphan, 0);
  // Reparented to us, then a zombie of ours.
  ASSERT_TRUE(wait_until([&] { return proc_state(orphan) == std::make_pair('Z', ::getpid()); }))
      << "state " << proc_state(orphan).first << " ppid " << proc_state(orphan).second;
  EXPECT_EQ(reap_orphans(), 1);
  EXPECT_EQ(proc_state(orphan).first, 0) << "zombie still in /proc";
  EXPECT_EQ(reap_orphans(), 0);
}

TEST(ReaperTest, RegisteredChildKeepsItsExitStatus) {
  ASSERT_TRUE(become_subreaper());
  pid_t child = ChildRegistry::spawn_registered([] {
    pid_t pid = ::fork();
    if (pid == 0) ::_exit(42);
    return pid;
  });
  ASSERT_GT(child, 0);
  EXPECT_TRUE(ChildRegistry::contains(child));
  pid_t orphan = make_orphan(0);
  ASSERT_TRUE(wait_until([&] { return proc_state(child).first == 'Z'; }));
  ASSERT_TRUE(wait_until([&] { return proc_state(orphan) == std::make_pair('Z', ::getpid()); }));
  // The registered zombie may block the waitid peek; the orphan is still found.
  EXPECT_EQ(reap_orphans(), 1);
  EXPECT_EQ(proc_state(orphan).first, 0);
  EXPECT_EQ(proc_state(child).first, 'Z');
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 42);
  ChildRegistry::unregister(child);
  EXPECT_FALSE(ChildRegistry::contains(child));
}

TEST(ReaperTest, OrphanReaperThreadReapsAndStopsPromptly) {
  ASSERT_TRUE(become_subreaper());
  auto start = std::chrono::steady_clock::now();
  {
    OrphanReaper reaper(milliseconds(50));
    pid_t orphan = make_orphan(0);
    ASSERT_GT(orphan, 0);
    EXPECT_TRUE(wait_until([&] { return reaper.reaped() >= 1; }));
    EXPECT_TRUE(wait_until([&] { return proc_state(orphan).first == 0; }));
  }
  {
    OrphanReaper slow(std::chrono::hours(1));  // destructor must not wait an hour
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

}  // namespace
}  // namespace qmnmr::container
