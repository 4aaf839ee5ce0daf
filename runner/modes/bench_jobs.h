// The job loop every benchmark over a set shares: each entry an ordinary job
// folder run through run_in_folder (skipped when finished, resumed when half
// done), one at a time, a progress line each with done/total, its time and the
// ETA from this run's own pace, and a stop on SIGINT that keeps what finished.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/modes/config.h"
#include "runner/pipeline/job_paths.h"
#include "runner/pipeline/job_request.h"
#include "runner/resources/resource_plan.h"

namespace qmnmr::runner {

struct BenchJob {
  std::string label;  // what its progress line names: "compound_07 Acetone"
  JobRequest request;
  JobPaths paths;
  nlohmann::json status_extra;  // merged into status.json
};

struct BenchJobResult {
  std::string state;  // complete | failed | interrupted | not run
  std::string error;  // failed: why and where the logs are
  double seconds = 0; // the job's stage time over every session (its status.json)
};

struct BenchRun {
  std::vector<BenchJobResult> results;  // one per job, in order
  size_t ran = 0;                       // jobs computed by this run
  double ran_seconds = 0;               // their wall time
  bool interrupted = false;
};

// Runs `jobs` in order (the caller holds a container::SignalMonitor).
BenchRun run_bench_jobs(const std::vector<BenchJob>& jobs, const Config& config,
                        const ResourcePlan& plan);

// Seconds the job's stages took (its status.json), over every session.
double job_seconds(const JobPaths& paths);

// "42 s" / "3.5 min".
std::string minutes_text(double seconds);

}  // namespace qmnmr::runner
