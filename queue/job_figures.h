// What a worker records of each job it ran - every stage's wall and CPU
// seconds, every NWChem run with its failure class - in the queue database,
// and the totals over the whole queue that `GET /metrics` publishes: the
// worker's figures reach the API through the data root, never a port.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qmnmr::queue {

struct StageTime {
  std::string stage;
  double wall_seconds = 0;
  double cpu_seconds = 0;
};

// One NWChem run (one attempt; a retry is another run).
struct NwchemRunFigure {
  std::string stage;    // dft_opt, shielding, ...
  std::string failure;  // "none" for a usable result, else the failure class
  bool cached = false;  // taken from the run cache: no NWChem ran
  double wall_seconds = 0;
};

// One run of a job by one worker: the stages it finished, the NWChem runs it made.
struct JobFigures {
  std::vector<StageTime> stages;
  std::vector<NwchemRunFigure> nwchem_runs;
};

// The upper bounds (seconds) of the stage-duration histogram's buckets; +Inf
// is implied. A stage of a small molecule takes seconds, a production
// shielding of a large one hours.
inline const std::vector<double>& stage_duration_bounds() {
  static const std::vector<double> bounds{1, 10, 60, 300, 900, 3600, 14400, 86400};
  return bounds;
}

struct DurationHistogram {
  std::vector<int64_t> cumulative;  // per bound of stage_duration_bounds(): runs <= bound
  int64_t count = 0;
  double sum = 0;
  double cpu_sum = 0;
};

struct RunTotal {
  int64_t runs = 0;
  double wall_seconds = 0;
};

// The queue's figures at one moment, read in one snapshot.
struct QueueFigures {
  std::map<std::string, int64_t> jobs_by_state;      // every state, 0 included
  std::optional<double> oldest_queued_created_at;     // seconds since the epoch
  std::map<std::string, DurationHistogram> stages;    // by stage name
  // By (stage, failure class); cached runs are counted apart, not here.
  std::map<std::pair<std::string, std::string>, RunTotal> nwchem_runs;
  int64_t nwchem_cached = 0;
};

}  // namespace qmnmr::queue
