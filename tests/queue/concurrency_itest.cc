// The queue under real concurrency: forked processes, each with its own
// connection to one queue.db, claiming and completing no-op jobs. Every job
// must be done exactly once: none lost, none twice, also when a worker is
// killed holding leases.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "queue/job_queue.h"
#include "support/temp_dir.h"

namespace qmnmr::queue {
namespace {

using std::chrono::seconds;
namespace fs = std::filesystem;

// Children wait on a pipe until the parent closes it, so that they all start
// claiming at the same moment.
class StartGate {
 public:
  StartGate() {
    if (::pipe(fds_) != 0) throw std::runtime_error("pipe");
  }
  ~StartGate() {
    close_fd(fds_[0]);
    close_fd(fds_[1]);
  }
  void wait_in_child() {
    close_fd(fds_[1]);
    char c;
    while (::read(fds_[0], &c, 1) < 0 && errno == EINTR) {
    }
  }
  void open_gate() { close_fd(fds_[1]); }

 private:
  static void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  int fds_[2] = {-1, -1};
};

// Forks a child that runs `body` and _exit()s with its result (3 on an
// exception, with the message on stderr). No gtest in the child.
pid_t spawn(const std::function<int()>& body) {
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork");
  if (pid == 0) {
    int rc = 3;
    try {
      rc = body();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "child %d: %s\n", ::getpid(), e.what());
    }
    std::fflush(nullptr);
    ::_exit(rc);
  }
  return pid;
}

int wait_status(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

std::vector<std::string> read_lines(const fs::path& p) {
  std::vector<std::string> out;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// Claims and completes until nothing is queued; logs each completed id.
// Exit 4: complete() was fenced out although this process held the claim.
int drain_worker(const fs::path& db, const fs::path& log, const std::string& owner,
                 StartGate& gate, bool reap) {
  JobQueue q(db);
  std::FILE* out = std::fopen(log.c_str(), "w");
  if (!out) return 5;
  gate.wait_in_child();
  for (;;) {
    if (reap) q.reap_expired();
    auto c = q.claim(owner, seconds(30));
    if (!c) {
      if (!reap) break;
      auto n = q.count_by_state();
      if (n[JobState::queued] == 0 && n[JobState::running] == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    if (!q.complete(*c)) return 4;
    std::fprintf(out, "%s\n", c->id.c_str());
  }
  std::fclose(out);
  return 0;
}

TEST(QueueConcurrency, FourProcessesCompleteTwoThousandJobsExactlyOnce) {
  constexpr int kJobs = 2000;
  constexpr int kProcs = 4;
  qmnmr::testing::TempDir dir{"queue"};
  const fs::path db = dir / "queue.db";
  std::set<std::string> submitted;
  {
    JobQueue q(db);
    for (int i = 0; i < kJobs; ++i) submitted.insert(q.submit({{"noop", i}}, i % 3));
  }
  ASSERT_EQ(submitted.size(), static_cast<size_t>(kJobs));

  StartGate gate;
  std::vector<pid_t> pids;
  for (int p = 0; p < kProcs; ++p) {
    pids.push_back(spawn([&, p] {
      return drain_worker(db, dir / ("done-" + std::to_string(p) + ".log"),
                          "proc-" + std::to_string(p), gate, /*reap=*/false);
    }));
  }
  auto t0 = std::chrono::steady_clock::now();
  gate.open_gate();
  for (pid_t pid : pids) {
    int st = wait_status(pid);
    ASSERT_TRUE(WIFEXITED(st)) << "child killed by signal " << WTERMSIG(st);
    ASSERT_EQ(WEXITSTATUS(st), 0) << "child failed (4 = fenced out of its own claim)";
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::multiset<std::string> done;
  std::string spread;
  for (int p = 0; p < kProcs; ++p) {
    auto lines = read_lines(dir / ("done-" + std::to_string(p) + ".log"));
    spread += (p ? ", " : "") + std::to_string(lines.size());
    done.insert(lines.begin(), lines.end());
  }
  std::printf("[ queue    ] %d jobs, %d processes: %.2f s wall (%.0f jobs/s); per process: %s\n",
              kJobs, kProcs, wall, kJobs / wall, spread.c_str());
  RecordProperty("wall_seconds", std::to_string(wall));
  RecordProperty("per_process", spread);

  EXPECT_EQ(done.size(), static_cast<size_t>(kJobs)) << "completions logged (duplicates count)";
  EXPECT_EQ(std::set<std::string>(done.begin(), done.end()), submitted);
  JobQueue q(db);
  auto all = q.list();
  ASSERT_EQ(all.size(), static_cast<size_t>(kJobs));
  for (const auto& r : all) {
    ASSERT_EQ(r.state, JobState::complete) << r.id;
    ASSERT_EQ(r.attempts, 1) << r.id;
    ASSERT_EQ(r.claims, 1) << r.id;
    ASSERT_FALSE(r.lease_owner) << r.id;
  }
  EXPECT_EQ(q.count_by_state()[JobState::complete], kJobs);
}

TEST(QueueConcurrency, JobsOfAKilledWorkerAreReapedAndDoneExactlyOnce) {
  constexpr int kJobs = 400;
  constexpr int kStolen = 5;
  qmnmr::testing::TempDir dir{"queue"};
  const fs::path db = dir / "queue.db";
  {
    JobQueue q(db);
    for (int i = 0; i < kJobs; ++i) q.submit({{"noop", i}});
  }
  // A worker claims a few jobs with a short lease and is SIGKILLed holding them.
  pid_t victim = spawn([&] {
    JobQueue q(db);
    std::FILE* out = std::fopen((dir / "stolen.log").c_str(), "w");
    for (int i = 0; i < kStolen; ++i) {
      auto c = q.claim("victim", seconds(1));
      if (!c) return 6;
      std::fprintf(out, "%s\n", c->id.c_str());
    }
    std::fclose(out);
    ::raise(SIGKILL);
    return 7;
  });
  int st = wait_status(victim);
  ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  auto stolen = read_lines(dir / "stolen.log");
  ASSERT_EQ(stolen.size(), static_cast<size_t>(kStolen));

  StartGate gate;
  std::vector<pid_t> pids;
  for (int p = 0; p < 3; ++p) {
    pids.push_back(spawn([&, p] {
      return drain_worker(db, dir / ("done-" + std::to_string(p) + ".log"),
                          "survivor-" + std::to_string(p), gate, /*reap=*/true);
    }));
  }
  auto t0 = std::chrono::steady_clock::now();
  gate.open_gate();
  for (pid_t pid : pids) {
    int s = wait_status(pid);
    ASSERT_TRUE(WIFEXITED(s) && WEXITSTATUS(s) == 0) << "survivor failed: status " << s;
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("[ queue    ] %d jobs, 1 killed + 3 reaping workers: %.2f s wall\n", kJobs, wall);

  std::multiset<std::string> done;
  for (int p = 0; p < 3; ++p) {
    auto lines = read_lines(dir / ("done-" + std::to_string(p) + ".log"));
    done.insert(lines.begin(), lines.end());
  }
  EXPECT_EQ(done.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(std::set<std::string>(done.begin(), done.end()).size(), static_cast<size_t>(kJobs));
  JobQueue q(db);
  EXPECT_EQ(q.count_by_state()[JobState::complete], kJobs);
  std::set<std::string> stolen_set(stolen.begin(), stolen.end());
  for (const auto& r : q.list()) {
    bool was_stolen = stolen_set.count(r.id) != 0;
    ASSERT_EQ(r.attempts, was_stolen ? 2 : 1) << r.id;
    if (was_stolen) {
      auto ev = q.events(r.id);
      bool expired = false;
      for (const auto& e : ev) expired |= e.kind == "lease_expired";
      EXPECT_TRUE(expired) << r.id;
      EXPECT_NE(r.worker_id, "victim");
    }
  }
}

TEST(QueueConcurrency, ProcessesOpeningAFreshDatabaseTogetherCreateTheSchemaOnce) {
  constexpr int kProcs = 4;
  constexpr int kEach = 50;
  qmnmr::testing::TempDir dir{"queue"};
  const fs::path db = dir / "queue.db";
  StartGate gate;
  std::vector<pid_t> pids;
  for (int p = 0; p < kProcs; ++p) {
    pids.push_back(spawn([&, p] {
      gate.wait_in_child();
      JobQueue q(db);
      for (int i = 0; i < kEach; ++i) q.submit({{"proc", p}, {"i", i}});
      return 0;
    }));
  }
  gate.open_gate();
  for (pid_t pid : pids) {
    int s = wait_status(pid);
    ASSERT_TRUE(WIFEXITED(s) && WEXITSTATUS(s) == 0) << "opener failed: status " << s;
  }
  JobQueue q(db);
  EXPECT_EQ(q.schema_version(), kQueueSchemaVersion);
  EXPECT_EQ(q.list().size(), static_cast<size_t>(kProcs * kEach));
}

}  // namespace
}  // namespace qmnmr::queue
