// The worker: claims jobs from the data root's queue and runs the pipeline
// on each, resuming at the job's last finished stage. A heartbeat thread
// writes workers/<id>.json and extends the job's lease; a cancel is noticed
// on the next beat. SIGINT drains (no new claims; the running step may
// finish within drain_seconds, else it is stopped and the job requeued at
// its last finished stage); a second SIGINT or SIGTERM stops at once the
// same way. Exit 0 after a drain.
#pragma once
#include <optional>
#include <string>

#include "runner/modes/config.h"

namespace qmnmr::runner {

struct WorkerOptions {
  bool once = false;         // exit when nothing is queued
  std::optional<int> max_jobs;
  std::optional<std::string> worker_id;
  bool force_network_fs = false;
};

int run_worker(Config config, const WorkerOptions& options);

}  // namespace qmnmr::runner
