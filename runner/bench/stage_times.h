// Per-stage wall times over many finished jobs: for each pipeline stage the
// number of jobs that ran it, min, median, max, total and its share of all
// stage time. Read from each job's status.json (steps_completed).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qmnmr::bench {

struct StageTimes {
  std::string stage;
  int count = 0;
  double min = 0, median = 0, max = 0, total = 0, share = 0;  // seconds; share of all stages
};

// The stages in the order they first appear in the jobs; `status_docs` are
// status.json documents of complete jobs (others should be left out by the
// caller). A stage run twice in one job (a resume) adds its durations.
std::vector<StageTimes> stage_times(const std::vector<nlohmann::json>& status_docs);

// An aligned text table (and the number of jobs).
std::string stage_times_table(const std::vector<StageTimes>& rows, size_t jobs);

}  // namespace qmnmr::bench
