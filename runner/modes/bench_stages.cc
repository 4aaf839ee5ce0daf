// The bench stages command: find the finished jobs under DIR and summarise.
#include "runner/modes/bench_stages.h"

#include <cstdio>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "queue/atomic_file.h"
#include "queue/json_limits.h"
#include "runner/bench/stage_times.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using nlohmann::json;

int cmd_bench_stages(const fs::path& dir, bool as_json) {
  if (!fs::is_directory(dir))
    throw std::invalid_argument(dir.string() + " is not a folder: give a data root, a batch or "
                                "bench folder, or a job folder");
  // status.json up to two levels down: DIR itself, DIR/<id>, DIR/jobs/<id>.
  std::vector<json> docs;
  size_t unfinished = 0;
  auto take = [&](const fs::path& status) {
    if (!fs::is_regular_file(status)) return;
    try {
      auto doc = queue::read_json_file(status);
      if (doc.value("status", std::string()) == "complete") docs.push_back(std::move(doc));
      else ++unfinished;
    } catch (const json::exception&) {
      ++unfinished;
    } catch (const queue::JsonLimitError&) {
      ++unfinished;
    }
  };
  take(dir / "status.json");
  for (const fs::path& parent : {dir, dir / "jobs"}) {
    if (!fs::is_directory(parent)) continue;
    for (const auto& e : fs::directory_iterator(parent))
      if (e.is_directory()) take(e.path() / "status.json");
  }
  if (docs.empty())
    throw std::invalid_argument(dir.string() + " holds no finished job (looked for status.json in "
                                "it, in its folders and in its jobs/ folders)");
  auto rows = bench::stage_times(docs);
  if (as_json) {
    json out{{"jobs", docs.size()}, {"unfinished_jobs_left_out", unfinished}, {"stages", json::array()}};
    for (const auto& r : rows)
      out["stages"].push_back({{"stage", r.stage}, {"count", r.count}, {"min_s", r.min},
                               {"median_s", r.median}, {"max_s", r.max}, {"total_s", r.total},
                               {"share", r.share}});
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf("%s", bench::stage_times_table(rows, docs.size()).c_str());
    if (unfinished) std::printf("(%zu unfinished job%s left out)\n", unfinished, unfinished == 1 ? "" : "s");
  }
  return 0;
}

}  // namespace qmnmr::runner
