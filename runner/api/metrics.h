// GET /metrics: the queue, the workers and this API process in Prometheus'
// text exposition format (version 0.0.4). The queue's figures (jobs by state,
// the oldest queued job, stage durations, NWChem runs by failure class) come
// from queue.db, which the workers write (queue/job_figures.h); the workers'
// heartbeats from <data>/workers; the request counts and latencies from this
// process (they start at zero when `qmnmr serve` starts, as counters may).
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "container/health.h"
#include "queue/job_figures.h"

namespace qmnmr::api {

// The upper bounds (seconds) of the request-latency histogram's buckets.
const std::vector<double>& request_duration_bounds();

// A request path as a route with its job id replaced by {id}, so that the
// label has a bounded set of values: "/api/v1/jobs/{id}/results"; paths of no
// route become "other".
std::string route_label(std::string_view path);

// The API's requests, counted as they are answered; thread-safe.
class RequestStats {
 public:
  struct Latency {
    std::vector<int64_t> cumulative;  // per bound of request_duration_bounds()
    int64_t count = 0;
    double sum = 0;
  };
  struct Snapshot {
    std::map<std::tuple<std::string, std::string, int>, int64_t> requests;  // method, route, code
    std::map<std::string, Latency> latency;                                  // by route
  };
  void record(const std::string& method, const std::string& route, int status, double seconds);
  Snapshot snapshot() const;

 private:
  mutable std::mutex mutex_;
  Snapshot data_;
};

// The exposition text. `now_unix`: seconds since the epoch (ages are from it).
std::string render_metrics(const queue::QueueFigures& queue,
                           const std::vector<container::WorkerBeat>& workers,
                           const RequestStats::Snapshot& requests, double now_unix,
                           std::string_view version);

}  // namespace qmnmr::api
