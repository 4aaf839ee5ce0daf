// The bench queue command: submit N no-op jobs into a fresh queue.db, fork P
// processes that claim + complete until nothing is queued, and time them.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "queue/job_queue.h"
#include "runner/modes/bench_queue.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using queue::JobQueue;
using queue::JobState;

namespace {

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

// One round with `procs` processes; fills `result`; false when not exactly once.
bool one_round(const fs::path& dir, int jobs, int procs, nlohmann::json& result) {
  const fs::path db = dir / "queue.db";
  fs::remove(db);
  fs::remove(dir / "queue.db-wal");
  fs::remove(dir / "queue.db-shm");
  {
    JobQueue q(db);
    for (int i = 0; i < jobs; ++i) q.submit({{"noop", i}});
  }
  int gate[2];
  if (::pipe(gate) != 0) throw std::runtime_error("bench queue: pipe failed");
  std::vector<pid_t> pids;
  std::fflush(nullptr);
  for (int p = 0; p < procs; ++p) {
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("bench queue: fork failed");
    if (pid == 0) {
      ::close(gate[1]);
      int rc = 3;
      try {
        rc = drain(db, "bench-" + std::to_string(p), gate[0],
                   dir / ("count-" + std::to_string(p)));
      } catch (const std::exception& e) {
        std::fprintf(stderr, "qmnmr bench queue: process %d: %s\n", p, e.what());
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

  std::vector<int> per_process;
  int counted = 0;
  for (int p = 0; p < procs; ++p) {
    int n = 0;
    if (std::FILE* f = std::fopen((dir / ("count-" + std::to_string(p))).c_str(), "r")) {
      if (std::fscanf(f, "%d", &n) != 1) n = 0;
      std::fclose(f);
    }
    fs::remove(dir / ("count-" + std::to_string(p)));
    counted += n;
    per_process.push_back(n);
  }
  JobQueue q(db);
  const auto states = q.count_by_state();
  const int complete = states.count(JobState::complete) ? states.at(JobState::complete) : 0;
  int once = 0;
  for (const auto& r : q.list())
    if (r.state == JobState::complete && r.claims == 1) ++once;
  const bool exactly_once = ok && counted == jobs && complete == jobs && once == jobs;
  result = {{"jobs", jobs},           {"processes", procs},       {"seconds", wall},
            {"jobs_per_second", jobs / wall}, {"per_process", per_process},
            {"completions_counted", counted}, {"complete", complete}, {"claimed_once", once},
            {"exactly_once", exactly_once}};
  return exactly_once;
}

}  // namespace

int cmd_bench_queue(const BenchQueueOptions& options) {
  if (options.jobs < 1) throw std::invalid_argument("--jobs takes a whole number >= 1");
  for (int p : options.processes)
    if (p < 1) throw std::invalid_argument("--processes takes whole numbers >= 1, e.g. 1,4");
  fs::path dir = options.dir;
  const bool own_dir = dir.empty();
  if (own_dir) {
    std::string pattern = (fs::temp_directory_path() / "qmnmr-bench-queue-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot make a temporary folder");
    dir = pattern;
  }
  fs::create_directories(dir);
  bool all_once = true;
  nlohmann::json rounds = nlohmann::json::array();
  for (int procs : options.processes) {
    nlohmann::json r;
    all_once = one_round(dir, options.jobs, procs, r) && all_once;
    rounds.push_back(r);
    if (!options.json) {
      std::string spread;
      for (int n : r["per_process"]) spread += (spread.empty() ? "" : ", ") + std::to_string(n);
      std::printf("queue: %d jobs, %d process%s: %.2f s, %.0f jobs/s (per process: %s)\n",
                  options.jobs, procs, procs == 1 ? "" : "es", r["seconds"].get<double>(),
                  r["jobs_per_second"].get<double>(), spread.c_str());
      if (!r["exactly_once"].get<bool>())
        std::fprintf(stderr,
                     "qmnmr bench queue: not exactly once: %d completions counted, %d complete, "
                     "%d claimed once, of %d\n",
                     r["completions_counted"].get<int>(), r["complete"].get<int>(),
                     r["claimed_once"].get<int>(), options.jobs);
      std::fflush(stdout);
    }
  }
  if (options.json) std::printf("%s\n", nlohmann::json{{"rounds", rounds}}.dump(2).c_str());
  if (own_dir) fs::remove_all(dir);
  return all_once ? 0 : 1;
}

}  // namespace qmnmr::runner
