// qmnmr bench scaling, stages and queue with the real programs: ethanol at the
// test preset on 1 and 2 ranks (times, speed-ups, peak memory, plot, a rerun
// that measures nothing again, a rank count beyond the CPUs refused); the
// stage table of those folders; the SQLite queue's throughput with every job
// done exactly once.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "queue/atomic_file.h"
#include "support/qmnmr_process.h"
#include "support/temp_dir.h"

namespace qmnmr::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

TEST(BenchCommands, ScalingOfEthanolOnOneAndTwoRanks) {
  TempDir dir("bench-scaling");
  const auto out = dir / "scaling";
  std::vector<std::string> args{"bench", "scaling", "--preset", "test", "--ranks", "1,2",
                                "--out", out.string(), "--memory", "2g"};
  // Its own reference cache: the speed-ups it leaves there steer the packing of later jobs.
  const std::map<std::string, std::optional<std::string>> own_reference{
      {"QMNMR_REFERENCE_DIR", (dir / "reference").string()}};
  auto first = run_qmnmr(args, dir.path(), own_reference, "first");
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  auto doc = json::parse(queue::read_file(out / "scaling.json"));
  ASSERT_EQ(doc["rows"].size(), 2u);
  EXPECT_EQ(doc["molecule"]["atoms"], 9);
  for (const auto& row : doc["rows"]) {
    for (const char* k : {"optimisation", "shielding"}) {
      EXPECT_TRUE(row[k]["ok"].get<bool>()) << row.dump();
      EXPECT_EQ(row[k]["ranks"], row["ranks"]);
      EXPECT_GT(row[k]["seconds"].get<double>(), 0);
      // NWChem's largest rank holds at least its binary and basis data.
      EXPECT_GT(row[k]["peak_rss_mb_largest_rank"].get<double>(), 20) << row.dump();
      EXPECT_GT(row[k]["speedup"].get<double>(), 0);
    }
    EXPECT_GT(row["optimisation"]["steps"].get<int>(), 0);
  }
  EXPECT_DOUBLE_EQ(doc["rows"][0]["shielding"]["speedup"].get<double>(), 1.0);
  EXPECT_NEAR(doc["rows"][1]["shielding"]["efficiency"].get<double>(),
              doc["rows"][1]["shielding"]["speedup"].get<double>() / 2, 1e-12);
  EXPECT_TRUE(fs::is_regular_file(out / "scaling.svg"));
  EXPECT_NE(first.out.find("| 2 |"), std::string::npos) << first.out;
  // The logs show the mpirun line of each rank count.
  EXPECT_NE(slurp(out / "ranks_2/logs/job.log").find("mpirun -n 2"), std::string::npos);
  // The measured speed-ups become the packing model, and qmnmr plan says so.
  auto model = json::parse(queue::read_file(dir / "reference/scaling.json"));
  EXPECT_EQ(model["rows"], doc["rows"]);
  auto plan = run_qmnmr({"plan"}, dir.path(), own_reference, "plan");
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("measured by qmnmr bench scaling"), std::string::npos) << plan.out;

  auto again = run_qmnmr(args, dir.path(), own_reference, "again");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("2 ranks: measured before (skipped)"), std::string::npos) << again.out;

  const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  auto refused = run_qmnmr({"bench", "scaling", "--preset", "test", "--ranks",
                            std::to_string(cpus + 1), "--out", (dir / "refused").string()},
                           dir.path(), {}, "refused");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("outside what this process may use"), std::string::npos)
      << refused.err;

  // bench stages reads finished jobs; the scaling folders are not jobs.
  auto none = run_qmnmr({"bench", "stages", out.string()}, dir.path(), {}, "stages-none");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("holds no finished job"), std::string::npos) << none.err;
}

TEST(BenchCommands, StagesOfFinishedJobs) {
  TempDir dir("bench-stages");
  for (const char* name : {"a", "b"}) {
    auto run = run_qmnmr({"run", "--smiles", "C", "--preset", "test", "--conformers", "single",
                          "--out", (dir / "jobs" / name).string()},
                         dir.path(), {}, name);
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  auto table = run_qmnmr({"bench", "stages", dir.path().string(), "--json"}, dir.path(), {}, "stages");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  auto j = json::parse(table.out);
  EXPECT_EQ(j["jobs"], 2);
  double share = 0;
  bool shielding = false;
  for (const auto& s : j["stages"]) {
    EXPECT_EQ(s["count"], 2) << s.dump();
    EXPECT_LE(s["min_s"].get<double>(), s["max_s"].get<double>());
    share += s["share"].get<double>();
    if (s["stage"] == "shielding") shielding = s["total_s"].get<double>() > 0;
  }
  EXPECT_NEAR(share, 1.0, 1e-9);
  EXPECT_TRUE(shielding);
}

TEST(BenchCommands, QueueThroughputEveryJobOnce) {
  TempDir dir("bench-queue");
  auto r = run_qmnmr({"bench", "queue", "--jobs", "300", "--processes", "1,3", "--json"},
                     dir.path(), {}, "queue");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  ASSERT_EQ(j["rounds"].size(), 2u);
  for (const auto& round : j["rounds"]) {
    EXPECT_TRUE(round["exactly_once"].get<bool>()) << round.dump();
    EXPECT_EQ(round["complete"], 300);
    EXPECT_GT(round["jobs_per_second"].get<double>(), 0);
  }
  EXPECT_EQ(j["rounds"][1]["per_process"].size(), 3u);
}

}  // namespace
}  // namespace qmnmr::testing
