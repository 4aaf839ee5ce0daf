// qmnmr bench stages DIR: where the time of finished jobs goes, per pipeline
// stage, over a data root (jobs/<id>/), a batch or bench folder (<id>/), or
// one job folder.
#pragma once
#include <filesystem>

namespace qmnmr::runner {

// Prints the table (or JSON); exit 1 when DIR holds no finished job.
int cmd_bench_stages(const std::filesystem::path& dir, bool json);

}  // namespace qmnmr::runner
