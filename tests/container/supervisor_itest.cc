// run_process with a real `mpirun -n 2 sleep 60`: stopping (or timing out)
// leaves no mpirun, orted or sleep behind; a normal mpirun run exits 0.
#include "container/supervisor.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "container/reaper.h"

namespace qmnmr::container {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

struct ProcInfo {
  pid_t pid = 0;
  std::string comm;
  pid_t ppid = 0;
  pid_t pgid = 0;
  pid_t sid = 0;
};

std::vector<ProcInfo> all_processes() {
  std::vector<ProcInfo> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    const auto open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    ProcInfo p;
    p.pid = std::stoi(name);
    p.comm = line.substr(open + 1, close - open - 1);
    std::istringstream rest(line.substr(close + 1));
    char state;
    rest >> state >> p.ppid >> p.pgid >> p.sid;
    out.push_back(p);
  }
  return out;
}

Environment mpi_env() {
  return current_environment({{"OMPI_ALLOW_RUN_AS_ROOT", "1"},
                              {"OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"},
                              {"OMPI_MCA_rmaps_base_oversubscribe", "1"}});
}

class MpirunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!find_program("mpirun", ::getenv("PATH") ? ::getenv("PATH") : "")) {
      if (::getenv("CI")) FAIL() << "mpirun not found: install openmpi-bin";
      GTEST_SKIP() << "mpirun not found: install openmpi-bin";
    }
    become_subreaper();
  }

  // Runs mpirun -n 2 sleep 60 until `stop_after` (or the timeout), recording
  // the group's members seen while it ran.
  Outcome run_mpirun(milliseconds stop_after, milliseconds timeout,
                     std::map<pid_t, std::string>& seen, pid_t& leader) {
    ProcessSpec spec;
    spec.argv = {"mpirun", "-n", "2", "--bind-to", "none", "sleep", "60"};
    spec.env = mpi_env();
    spec.timeout = timeout;
    spec.int_grace = milliseconds(3000);
    spec.term_grace = milliseconds(3000);
    const auto start = std::chrono::steady_clock::now();
    return run_process(
        spec,
        [&] {
          // Record the group and session while waiting (the loop polls every 100 ms).
          for (const auto& p : all_processes()) {
            if (leader > 0 && (p.pgid == leader || p.sid == leader)) seen[p.pid] = p.comm;
          }
          return stop_after.count() > 0 && std::chrono::steady_clock::now() - start > stop_after;
        },
        [&](pid_t pid) { leader = pid; });
  }

  // Nothing of the run may remain: none of the pids seen, no process in the
  // leader's group or session, and no child of ours (orphans come to us, the
  // subreaper). Processes of other users of this machine are not looked at.
  void expect_nothing_left(const std::map<pid_t, std::string>& seen, pid_t leader) {
    for (const auto& [pid, comm] : seen) {
      EXPECT_FALSE(fs::exists("/proc/" + std::to_string(pid))) << comm << " " << pid << " survived";
    }
    for (const auto& p : all_processes()) {
      EXPECT_FALSE(leader > 0 && (p.sid == leader || p.pgid == leader))
          << p.comm << " " << p.pid << " is still in the session of " << leader;
      EXPECT_NE(p.ppid, ::getpid()) << p.comm << " " << p.pid << " is still our child";
    }
  }

};

int count_named(const std::map<pid_t, std::string>& seen, const std::string& comm) {
  int n = 0;
  for (const auto& [pid, name] : seen) n += name == comm;
  return n;
}

TEST_F(MpirunTest, StopLeavesNoProcessBehind) {
  std::map<pid_t, std::string> seen;
  pid_t leader = 0;
  // Give mpirun time to start both ranks before stopping it.
  Outcome o = run_mpirun(milliseconds(3000), milliseconds(0), seen, leader);
  EXPECT_EQ(o.kind, Outcome::Kind::stopped) << o.describe();
  EXPECT_EQ(count_named(seen, "sleep"), 2) << "both ranks should run in mpirun's session";
  EXPECT_EQ(count_named(seen, "mpirun"), 1);
  EXPECT_LT(o.seconds, 15.0);
  RecordProperty("stop_seconds", std::to_string(o.seconds));
  std::cout << o.describe() << ", group members seen: " << seen.size() << "\n";
  expect_nothing_left(seen, leader);
}

TEST_F(MpirunTest, TimeoutLeavesNoProcessBehind) {
  std::map<pid_t, std::string> seen;
  pid_t leader = 0;
  Outcome o = run_mpirun(milliseconds(0), milliseconds(3000), seen, leader);
  EXPECT_EQ(o.kind, Outcome::Kind::timed_out) << o.describe();
  EXPECT_EQ(count_named(seen, "sleep"), 2);
  std::cout << o.describe() << "\n";
  expect_nothing_left(seen, leader);
}

TEST_F(MpirunTest, RanksOfAKilledMpirunAreRemoved) {
  // mpirun dies of SIGKILL (as if OOM-killed): its ranks, each in a process
  // group of its own, must still be found through the session and removed.
  ProcessSpec spec;
  spec.argv = {"mpirun", "-n", "2", "--bind-to", "none", "sleep", "60"};
  spec.env = mpi_env();
  spec.timeout = milliseconds(30000);
  spec.term_grace = milliseconds(3000);
  pid_t leader = 0;
  bool killed = false;
  std::map<pid_t, std::string> seen;
  Outcome o = run_process(
      spec,
      [&] {
        for (const auto& p : all_processes()) {
          if (leader > 0 && p.sid == leader) seen[p.pid] = p.comm;
        }
        if (!killed && count_named(seen, "sleep") == 2) {
          ::kill(leader, SIGKILL);
          killed = true;
        }
        return false;
      },
      [&](pid_t pid) { leader = pid; });
  ASSERT_TRUE(killed) << o.describe();
  EXPECT_EQ(o.kind, Outcome::Kind::signalled) << o.describe();
  EXPECT_EQ(o.signal, SIGKILL);
  EXPECT_EQ(o.stop_signal, SIGTERM);  // the orphaned ranks needed the drain
  std::cout << o.describe() << "\n";
  expect_nothing_left(seen, leader);
}

TEST_F(MpirunTest, NormalRunExitsZero) {
  ProcessSpec spec;
  spec.argv = {"mpirun", "-n", "2", "--bind-to", "none", "true"};
  spec.env = mpi_env();
  spec.timeout = milliseconds(60000);
  pid_t leader = 0;
  Outcome o = run_process(spec, {}, [&](pid_t pid) { leader = pid; });
  EXPECT_TRUE(o.ok()) << o.describe();
  std::cout << o.describe() << "\n";
  expect_nothing_left({}, leader);
}

}  // namespace
}  // namespace qmnmr::container
