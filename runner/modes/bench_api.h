// qmnmr bench api: the load `qmnmr serve` takes - submits per second and
// GET /api/v1/jobs/{id} requests per second from several clients at once,
// their latencies, and the server's resident memory - against a real server
// process on a fresh data root (no worker: the figures are the server's own).
#pragma once
#include <filesystem>

namespace qmnmr::runner {

struct BenchApiOptions {
  int clients = 4;
  double seconds = 5;          // per phase
  std::filesystem::path dir;   // empty: a fresh temporary folder, removed afterwards
  bool json = false;
};

// Prints the figures (or JSON). Exit 1 when a request failed.
int cmd_bench_api(const BenchApiOptions& options);

}  // namespace qmnmr::runner
