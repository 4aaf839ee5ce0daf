// run_bench_jobs: the benchmarks' one-at-a-time job loop.
#include "runner/modes/bench_jobs.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "container/signals.h"
#include "queue/json_limits.h"
#include "runner/modes/job_folder.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using nlohmann::json;

double job_seconds(const JobPaths& paths) {
  if (!fs::exists(paths.status())) return 0;
  auto doc = queue::read_json_file(paths.status());
  double total = 0;
  for (const auto& s : doc.value("steps_completed", json::array()))
    total += s.value("duration_seconds", 0.0);
  return total;
}

std::string minutes_text(double seconds) {
  char buf[32];
  if (seconds < 90) std::snprintf(buf, sizeof buf, "%.0f s", seconds);
  else std::snprintf(buf, sizeof buf, "%.1f min", seconds / 60);
  return buf;
}

BenchRun run_bench_jobs(const std::vector<BenchJob>& jobs, const Config& config,
                        const ResourcePlan& plan) {
  BenchRun run;
  const size_t total = jobs.size();
  std::vector<bool> done_before;  // finished by an earlier run: counted, and no ETA share
  for (const auto& job : jobs)
    done_before.push_back(folder_complete(job.paths, job.request.to_json()));
  for (size_t i = 0; i < total; ++i) {
    const auto& job = jobs[i];
    BenchJobResult r;
    if (run.interrupted || container::SignalMonitor::stop_requested()) {
      run.interrupted = true;
      r.state = done_before[i] ? "complete" : "not run";
      r.seconds = job_seconds(job.paths);
      run.results.push_back(r);
      continue;
    }
    std::string message;
    auto started = std::chrono::steady_clock::now();
    FolderOutcome outcome;
    try {
      outcome = run_in_folder(job.request, job.paths, config, plan, job.status_extra, message);
    } catch (const std::exception& e) {
      outcome = FolderOutcome::failed;
      message = e.what();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string what;
    switch (outcome) {
      case FolderOutcome::complete:
        ++run.ran;
        run.ran_seconds += seconds;
        what = "complete in " + minutes_text(seconds);
        r.state = "complete";
        break;
      case FolderOutcome::skipped:
        what = "complete already (skipped)";
        r.state = "complete";
        break;
      case FolderOutcome::failed:
        what = "FAILED: " + message;
        r.state = "failed";
        r.error = message;
        break;
      case FolderOutcome::interrupted:
        run.interrupted = true;
        what = "interrupted; its finished stages are kept";
        r.state = "interrupted";
        break;
    }
    r.seconds = job_seconds(job.paths);
    run.results.push_back(r);
    size_t left = 0;
    for (size_t j = i + 1; j < total; ++j) left += done_before[j] ? 0 : 1;
    std::string eta = run.ran > 0 && left > 0
                          ? "; ETA " + minutes_text(run.ran_seconds / static_cast<double>(run.ran) *
                                                    static_cast<double>(left))
                          : "";
    std::printf("[%zu/%zu] %s: %s%s\n", i + 1, total, job.label.c_str(), what.c_str(),
                eta.c_str());
    std::fflush(stdout);
  }
  return run;
}

}  // namespace qmnmr::runner
