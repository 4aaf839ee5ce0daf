// run_process with real programs (sh, sleep, env, pwd): outcomes, files,
// cwd, env, stop escalation, and that no process of the group survives.
#include "container/supervisor.h"

#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "container/reaper.h"
#include "support/temp_dir.h"

namespace qmnmr::container {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

using qmnmr::testing::TempDir;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<pid_t> pids_in(const std::string& text) {
  std::vector<pid_t> out;
  std::istringstream in(text);
  long pid;
  while (in >> pid) out.push_back(static_cast<pid_t>(pid));
  return out;
}

// True when /proc shows the pid (a zombie counts: it still exists).
bool process_exists(pid_t pid) { return fs::exists("/proc/" + std::to_string(pid)); }

class SupervisorTest : public ::testing::Test {
 protected:
  void SetUp() override { become_subreaper(); }  // as the worker does at start-up
  TempDir dir_{"supervisor"};
};

TEST_F(SupervisorTest, ExitCodeIsReported) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "exit 7"};
  Outcome o = run_process(spec);
  EXPECT_EQ(o.kind, Outcome::Kind::exited);
  EXPECT_EQ(o.exit_code, 7);
  EXPECT_FALSE(o.ok());
  EXPECT_NE(o.describe().find("sh exited with code 7"), std::string::npos) << o.describe();

  spec.argv = {"true"};
  o = run_process(spec);
  EXPECT_TRUE(o.ok()) << o.describe();
  EXPECT_GE(o.seconds, 0.0);
  EXPECT_LT(o.seconds, 5.0);
}

TEST_F(SupervisorTest, PeakMemoryOfTheLargestDescendantIsReported) {
  // sort holds its one 40 MB line in memory; it is sh's child, as NWChem's ranks are mpirun's.
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "head -c 40000000 /dev/zero | sort > /dev/null"};
  Outcome big = run_process(spec);
  ASSERT_TRUE(big.ok()) << big.describe();
  EXPECT_GT(big.peak_rss_kb, 39000);
  spec.argv = {"true"};
  Outcome small = run_process(spec);
  EXPECT_GT(small.peak_rss_kb, 0);
  EXPECT_LT(small.peak_rss_kb, 20000);
}

TEST_F(SupervisorTest, SignalledIsReported) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "kill -TERM $$"};
  Outcome o = run_process(spec);
  EXPECT_EQ(o.kind, Outcome::Kind::signalled) << o.describe();
  EXPECT_EQ(o.signal, SIGTERM);
  EXPECT_EQ(o.stop_signal, 0);
  EXPECT_NE(o.describe().find("SIGTERM"), std::string::npos) << o.describe();
}

TEST_F(SupervisorTest, StdoutAndStderrLandInFiles) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo to-out; echo to-err >&2"};
  spec.stdout_path = dir_.path() / "out.log";
  spec.stderr_path = dir_.path() / "err.log";
  ASSERT_TRUE(run_process(spec).ok());
  EXPECT_EQ(slurp(spec.stdout_path), "to-out\n");
  EXPECT_EQ(slurp(spec.stderr_path), "to-err\n");
  EXPECT_EQ(fs::status(spec.stdout_path).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                fs::perms::others_read);

  // Truncate (the default) replaces, append adds.
  ASSERT_TRUE(run_process(spec).ok());
  EXPECT_EQ(slurp(spec.stdout_path), "to-out\n");
  spec.output_mode = OutputMode::append;
  ASSERT_TRUE(run_process(spec).ok());
  EXPECT_EQ(slurp(spec.stdout_path), "to-out\nto-out\n");
  EXPECT_EQ(slurp(spec.stderr_path), "to-err\nto-err\n");
}

// A private output file is only ever created new, mode 0600; a name that is
// there already - a symlink planted there above all - is not followed.
TEST_F(SupervisorTest, PrivateOutputIsCreatedNewWithMode0600AndNeverFollowsASymlink) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo secret"};
  spec.stdout_path = spec.stderr_path = dir_.path() / "private.txt";
  spec.output_mode = OutputMode::create_private;
  ASSERT_TRUE(run_process(spec).ok());
  EXPECT_EQ(slurp(spec.stdout_path), "secret\n");
  EXPECT_EQ(fs::status(spec.stdout_path).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);

  // Run again: the file exists, so the program does not start.
  Outcome again = run_process(spec);
  EXPECT_EQ(again.kind, Outcome::Kind::failed_to_start);
  EXPECT_EQ(slurp(spec.stdout_path), "secret\n");

  const fs::path victim = dir_.path() / "victim.txt";
  { std::ofstream(victim) << "untouched\n"; }
  spec.stdout_path = spec.stderr_path = dir_.path() / "planted.txt";
  fs::create_symlink(victim, spec.stdout_path);
  Outcome planted = run_process(spec);
  EXPECT_EQ(planted.kind, Outcome::Kind::failed_to_start);
  EXPECT_NE(planted.error.find("planted.txt"), std::string::npos) << planted.error;
  EXPECT_EQ(slurp(victim), "untouched\n");
}

TEST_F(SupervisorTest, SharedLogFileKeepsBothStreams) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo one; echo two >&2; echo three"};
  spec.stdout_path = spec.stderr_path = dir_.path() / "both.log";
  ASSERT_TRUE(run_process(spec).ok());
  EXPECT_EQ(slurp(spec.stdout_path), "one\ntwo\nthree\n");
}

TEST_F(SupervisorTest, CwdAndEnvironmentAreApplied) {
  fs::create_directories(dir_.path() / "work");
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "pwd; echo \"FOO=$FOO\"; echo \"HOME=${HOME-unset}\""};
  spec.cwd = dir_.path() / "work";
  spec.env = Environment{{"FOO", "bar baz"}, {"PATH", "/usr/bin:/bin"}};
  spec.stdout_path = dir_.path() / "out.log";
  ASSERT_TRUE(run_process(spec).ok());
  EXPECT_EQ(slurp(spec.stdout_path), fs::canonical(spec.cwd).string() + "\nFOO=bar baz\nHOME=unset\n");
}

TEST_F(SupervisorTest, CurrentEnvironmentWithOverrides) {
  ::setenv("QMNMR_SUPERVISOR_TEST", "before", 1);
  Environment env = current_environment({{"QMNMR_SUPERVISOR_TEST", "after"}, {"EXTRA", "1"}});
  EXPECT_EQ(env.at("QMNMR_SUPERVISOR_TEST"), "after");
  EXPECT_EQ(env.at("EXTRA"), "1");
  EXPECT_EQ(env.at("PATH"), ::getenv("PATH"));
  EXPECT_EQ(current_environment().at("QMNMR_SUPERVISOR_TEST"), "before");
  ::unsetenv("QMNMR_SUPERVISOR_TEST");
}

TEST_F(SupervisorTest, MissingProgramFailsToStartWithAdvice) {
  ProcessSpec spec;
  spec.argv = {"qmnmr-no-such-program", "--version"};
  Outcome o = run_process(spec);
  EXPECT_EQ(o.kind, Outcome::Kind::failed_to_start);
  EXPECT_NE(o.error.find("qmnmr-no-such-program"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("PATH"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("install"), std::string::npos) << o.error;

  spec.argv = {(dir_.path() / "absent").string()};
  o = run_process(spec);
  EXPECT_EQ(o.kind, Outcome::Kind::failed_to_start);
  EXPECT_NE(o.error.find("does not exist"), std::string::npos) << o.error;

  spec.argv = {"true"};
  spec.cwd = dir_.path() / "no-such-dir";
  o = run_process(spec);
  EXPECT_EQ(o.kind, Outcome::Kind::failed_to_start);
  EXPECT_NE(o.error.find("working directory"), std::string::npos) << o.error;

  spec.cwd.clear();
  spec.argv.clear();
  EXPECT_EQ(run_process(spec).kind, Outcome::Kind::failed_to_start);
}

TEST_F(SupervisorTest, FindProgramSearchesPathList) {
  auto sh = find_program("sh", "/nonexistent:/usr/bin:/bin");
  ASSERT_TRUE(sh);
  EXPECT_EQ(sh->filename(), "sh");
  EXPECT_FALSE(find_program("sh", "/nonexistent"));
  EXPECT_FALSE(find_program("passwd-not-exec", "/etc"));
  EXPECT_FALSE(find_program("/etc/passwd", ""));  // not executable
  EXPECT_TRUE(find_program("/bin/sh", ""));
}

TEST_F(SupervisorTest, ChildRunsInItsOwnProcessGroupWithDefaultSignals) {
  // Ignore SIGINT here: the child must still get SIG_DFL.
  struct sigaction ign {}, old {};
  ign.sa_handler = SIG_IGN;
  ::sigaction(SIGINT, &ign, &old);
  ProcessSpec spec;
  spec.argv = {"sleep", "30"};
  pid_t seen = 0, seen_pgid = 0, seen_sid = 0;
  auto start = std::chrono::steady_clock::now();
  Outcome o = run_process(
      spec, [&] { return std::chrono::steady_clock::now() - start > milliseconds(300); },
      [&](pid_t pid) {
        seen = pid;
        seen_pgid = ::getpgid(pid);
        seen_sid = ::getsid(pid);
      });
  ::sigaction(SIGINT, &old, nullptr);
  EXPECT_GT(seen, 0);
  EXPECT_EQ(seen_pgid, seen);
  EXPECT_NE(seen_pgid, ::getpgrp());
  EXPECT_EQ(seen_sid, seen);
  EXPECT_EQ(o.kind, Outcome::Kind::stopped) << o.describe();
  EXPECT_EQ(o.signal, SIGINT);  // SIG_DFL in the child: the first signal was enough
  EXPECT_EQ(o.stop_signal, SIGINT);
  EXPECT_LT(o.seconds, 3.0);
  EXPECT_FALSE(ChildRegistry::contains(seen));
}

TEST_F(SupervisorTest, TimeoutIsReported) {
  ProcessSpec spec;
  spec.argv = {"sleep", "30"};
  spec.timeout = milliseconds(300);
  Outcome o = run_process(spec);
  EXPECT_EQ(o.kind, Outcome::Kind::timed_out) << o.describe();
  EXPECT_GE(o.seconds, 0.29);
  EXPECT_LT(o.seconds, 3.0);
  EXPECT_NE(o.describe().find("timed out"), std::string::npos) << o.describe();
}

TEST_F(SupervisorTest, ChildIgnoringIntAndTermIsKilled) {
  ProcessSpec spec;
  // The traps are inherited by sleep (ignored signals stay ignored over exec).
  spec.argv = {"sh", "-c", "trap '' INT TERM; sleep 100; sleep 100"};
  spec.int_grace = milliseconds(200);
  spec.term_grace = milliseconds(200);
  auto start = std::chrono::steady_clock::now();
  Outcome o = run_process(
      spec, [&] { return std::chrono::steady_clock::now() - start > milliseconds(300); });
  EXPECT_EQ(o.kind, Outcome::Kind::stopped) << o.describe();
  EXPECT_EQ(o.signal, SIGKILL);
  EXPECT_EQ(o.stop_signal, SIGKILL);
  EXPECT_GE(o.seconds, 0.65);
  EXPECT_LT(o.seconds, 5.0);

  spec.timeout = milliseconds(300);
  o = run_process(spec);
  EXPECT_EQ(o.kind, Outcome::Kind::timed_out) << o.describe();
  EXPECT_EQ(o.stop_signal, SIGKILL);
  EXPECT_NE(o.describe().find("SIGKILL"), std::string::npos) << o.describe();
}

TEST_F(SupervisorTest, GrandchildrenDieWithTheGroup) {
  ProcessSpec spec;
  // Background jobs of a non-interactive sh ignore SIGINT: they need the
  // group drain after the shell itself has gone.
  spec.argv = {"sh", "-c", "sleep 100 & echo $!; sleep 100 & echo $!; wait"};
  spec.stdout_path = dir_.path() / "pids";
  spec.int_grace = milliseconds(500);
  spec.term_grace = milliseconds(500);
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    for (int i = 0; i < 100 && pids_in(slurp(spec.stdout_path)).size() < 2; ++i) {
      std::this_thread::sleep_for(milliseconds(20));
    }
    stop = true;
  });
  Outcome o = run_process(spec, [&] { return stop.load(); });
  stopper.join();
  EXPECT_EQ(o.kind, Outcome::Kind::stopped) << o.describe();
  EXPECT_EQ(o.stop_signal, SIGTERM);  // sh died of SIGINT, its background sleeps ignore it
  auto pids = pids_in(slurp(spec.stdout_path));
  ASSERT_EQ(pids.size(), 2u);
  for (pid_t pid : pids) EXPECT_FALSE(process_exists(pid)) << "sleep " << pid << " survived";
}

TEST_F(SupervisorTest, LeftoversOfANormalExitAreRemoved) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "sleep 100 & echo $!"};
  spec.stdout_path = dir_.path() / "pids";
  spec.term_grace = milliseconds(500);
  Outcome o = run_process(spec);
  EXPECT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(o.stop_signal, SIGTERM);  // the leftover sleep needed the drain
  auto pids = pids_in(slurp(spec.stdout_path));
  ASSERT_EQ(pids.size(), 1u);
  EXPECT_FALSE(process_exists(pids[0]));
}

TEST_F(SupervisorTest, DescribeCoversEveryKind) {
  Outcome o;
  o.program = "xtb";
  o.kind = Outcome::Kind::failed_to_start;
  o.error = "program 'xtb' not found";
  EXPECT_EQ(o.describe(), "xtb failed to start: program 'xtb' not found");
  o.error.clear();
  o.seconds = 2.345;
  o.kind = Outcome::Kind::stopped;
  o.stop_signal = SIGTERM;
  EXPECT_EQ(o.describe(), "xtb was stopped on request after 2.35 s (with SIGTERM)");
  o.kind = Outcome::Kind::signalled;
  o.signal = SIGSEGV;
  EXPECT_EQ(o.describe(), "xtb was killed by SIGSEGV after 2.35 s");
  EXPECT_STREQ(to_string(Outcome::Kind::timed_out), "timed_out");
}

}  // namespace
}  // namespace qmnmr::container
