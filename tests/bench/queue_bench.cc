// bench_queue: queue throughput, claim + complete of empty jobs per second.
//
//   bench_queue [--jobs N] [--procs P] [--dir DIR]
//
// Submits N no-op jobs into a fresh queue.db, forks P processes that each open their own
// connection and claim + complete until nothing is queued, and prints one line:
//
//   queue: 2000 jobs, 4 processes: 1.23 s, 1626 jobs/s (per process: 500, 498, 503, 499)
//
// Exits 1 when a job was not done exactly once (the figure would mean nothing then).
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "queue/job_queue.h"

namespace fs = std::filesystem;
using qmnmr::queue::JobQueue;
using qmnmr::queue::JobState;

namespace {

int usage(const char* why) {
  std::fprintf(stderr, "bench_queue: %s\nusage: bench_queue [--jobs N] [--procs P] [--dir DIR]\n",
               why);
  return 2;
}

// Claims and completes until nothing is queued; writes the count to `out`.
int drain(const fs::path& db, const std::string& owner, int gate_fd, const fs::path& out) {
  char c;
  while (::read(gate_fd, &c, 1) < 0 && errno == EINTR) {
  }
  JobQueue q(db);
  int done = 0;
  while (auto claim = q.claim(owner, std::chrono::seconds(60))) {
    if (!q.complete(*claim)) return 4;
    ++done;
  }
  std::FILE* f = std::fopen(out.c_str(), "w");
  if (!f) return 5;
  std::fprintf(f, "%d\n", done);
  std::fclose(f);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int jobs = 2000, procs = 1;
  fs::path dir;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage(("missing value after " + a).c_str());
    const std::string v = argv[++i];
    if (a == "--jobs") jobs = std::atoi(v.c_str());
    else if (a == "--procs") procs = std::atoi(v.c_str());
    else if (a == "--dir") dir = v;
    else return usage(("unknown option " + a).c_str());
  }
  if (jobs < 1 || procs < 1) return usage("--jobs and --procs take whole numbers >= 1");
  bool own_dir = dir.empty();
  if (own_dir) {
    std::string pattern = (fs::temp_directory_path() / "qmnmr-bench-queue-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) return usage("cannot make a temporary folder");
    dir = pattern;
  }
  fs::create_directories(dir);
  const fs::path db = dir / "queue.db";
  fs::remove(db);
  {
    JobQueue q(db);
    for (int i = 0; i < jobs; ++i) q.submit({{"noop", i}});
  }
  int gate[2];
  if (::pipe(gate) != 0) return usage("pipe failed");
  std::vector<pid_t> pids;
  std::fflush(nullptr);
  for (int p = 0; p < procs; ++p) {
    pid_t pid = ::fork();
    if (pid < 0) return usage("fork failed");
    if (pid == 0) {
      ::close(gate[1]);
      int rc = 3;
      try {
        rc = drain(db, "bench-" + std::to_string(p), gate[0],
                   dir / ("count-" + std::to_string(p)));
      } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_queue: process %d: %s\n", p, e.what());
      }
      std::fflush(nullptr);
      ::_exit(rc);
    }
    pids.push_back(pid);
  }
  ::close(gate[0]);
  const auto t0 = std::chrono::steady_clock::now();
  ::close(gate[1]);  // all start together
  bool ok = true;
  for (pid_t pid : pids) {
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) ok = false;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::string spread;
  int counted = 0;
  for (int p = 0; p < procs; ++p) {
    int n = 0;
    if (std::FILE* f = std::fopen((dir / ("count-" + std::to_string(p))).c_str(), "r")) {
      if (std::fscanf(f, "%d", &n) != 1) n = 0;
      std::fclose(f);
    }
    counted += n;
    spread += (p ? ", " : "") + std::to_string(n);
  }
  JobQueue q(db);
  const auto states = q.count_by_state();
  const int complete = states.count(JobState::complete) ? states.at(JobState::complete) : 0;
  int once = 0;
  for (const auto& r : q.list())
    if (r.state == JobState::complete && r.claims == 1) ++once;
  std::printf("queue: %d jobs, %d process%s: %.2f s, %.0f jobs/s (per process: %s)\n", jobs,
              procs, procs == 1 ? "" : "es", wall, jobs / wall, spread.c_str());
  if (own_dir) fs::remove_all(dir);
  if (!ok || counted != jobs || complete != jobs || once != jobs) {
    std::fprintf(stderr,
                 "bench_queue: not exactly once: %d completions counted, %d complete, %d "
                 "claimed once, of %d\n",
                 counted, complete, once, jobs);
    return 1;
  }
  return 0;
}
