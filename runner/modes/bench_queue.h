// qmnmr bench queue: the SQLite queue's throughput - claim + complete of
// empty jobs per second by 1 and by several processes, each with its own
// connection - and a check that every job was done exactly once.
#pragma once
#include <filesystem>
#include <vector>

namespace qmnmr::runner {

struct BenchQueueOptions {
  int jobs = 2000;
  std::vector<int> processes{1, 4};
  std::filesystem::path dir;  // empty: a fresh temporary folder, removed afterwards
  bool json = false;
};

// Prints one line per process count (or JSON). Exit 1 when a job was not done
// exactly once (the figure would mean nothing then).
int cmd_bench_queue(const BenchQueueOptions& options);

}  // namespace qmnmr::runner
