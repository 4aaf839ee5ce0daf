// The queue's figures: what a worker records of a job's run (fenced by its
// claim), the totals /metrics reads, and the migration that added them run on
// the queue.db of a data root made by the commit before.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "queue/job_queue.h"
#include "support/queue_clock.h"
#include "support/temp_dir.h"

namespace qmnmr::queue {
namespace {

using std::chrono::seconds;

using Clock = qmnmr::testing::FakeClock;

TEST(JobFigures, RunsAreTotalledByStageAndFailureClass) {
  qmnmr::testing::TempDir dir{"figures"};
  Clock clock;
  JobQueue q(dir / "queue.db", clock.options());
  q.submit({{"smiles", "CCO"}});
  clock.t += 5;
  q.submit({{"smiles", "CCC"}});
  clock.t += 5;
  q.submit({{"smiles", "CCN"}});
  auto a = q.claim("w1", seconds(60));
  auto b = q.claim("w1", seconds(60));
  ASSERT_TRUE(a && b);
  JobFigures fa;
  fa.stages = {{"xtb", 0.5, 0.9}, {"shielding", 120, 230}};
  fa.nwchem_runs = {{"shielding", "none", false, 100},
                    {"shielding", "scf_not_converged", false, 20},
                    {"dft_opt", "none", true, 0}};
  JobFigures fb;
  fb.stages = {{"shielding", 4000, 7900}};
  fb.nwchem_runs = {{"shielding", "none", false, 4000}};
  ASSERT_TRUE(q.record_figures(*a, fa));
  ASSERT_TRUE(q.record_figures(*b, fb));
  ASSERT_TRUE(q.complete(*a));
  clock.t += 100;

  const auto f = q.figures();
  EXPECT_EQ(f.jobs_by_state.at("complete"), 1);
  EXPECT_EQ(f.jobs_by_state.at("running"), 1);
  EXPECT_EQ(f.jobs_by_state.at("queued"), 1);
  EXPECT_EQ(f.jobs_by_state.at("failed"), 0);
  ASSERT_TRUE(f.oldest_queued_created_at);
  EXPECT_DOUBLE_EQ(*f.oldest_queued_created_at, 1'700'000'010.0);  // the third job

  // Bounds 1, 10, 60, 300, 900, 3600, 14400, 86400.
  const auto& sh = f.stages.at("shielding");
  EXPECT_EQ(sh.count, 2);
  EXPECT_DOUBLE_EQ(sh.sum, 4120);
  EXPECT_DOUBLE_EQ(sh.cpu_sum, 8130);
  EXPECT_EQ(sh.cumulative, (std::vector<int64_t>{0, 0, 0, 1, 1, 1, 2, 2}));
  EXPECT_EQ(f.stages.at("xtb").cumulative, (std::vector<int64_t>{1, 1, 1, 1, 1, 1, 1, 1}));

  ASSERT_EQ(f.nwchem_runs.size(), 2u);  // the cached run is counted apart
  EXPECT_EQ(f.nwchem_runs.at({"shielding", "none"}).runs, 2);
  EXPECT_DOUBLE_EQ(f.nwchem_runs.at({"shielding", "none"}).wall_seconds, 4100);
  EXPECT_EQ(f.nwchem_runs.at({"shielding", "scf_not_converged"}).runs, 1);
  EXPECT_EQ(f.nwchem_cached, 1);
}

TEST(JobFigures, AWorkerThatLostItsLeaseRecordsNothing) {
  qmnmr::testing::TempDir dir{"figures"};
  Clock clock;
  JobQueue q(dir / "queue.db", clock.options());
  q.submit({{"smiles", "CCO"}});
  auto c = q.claim("w1", seconds(60));
  ASSERT_TRUE(c);
  clock.t += 61;
  ASSERT_EQ(q.reap_expired().size(), 1u);
  EXPECT_FALSE(q.record_figures(*c, {{{"xtb", 1, 1}}, {{"shielding", "none", false, 5}}}));
  const auto f = q.figures();
  EXPECT_TRUE(f.stages.empty());
  EXPECT_TRUE(f.nwchem_runs.empty());
  EXPECT_EQ(f.jobs_by_state.at("queued"), 1);
}

TEST(JobFigures, AQueueWithNothingQueuedHasNoOldestJob) {
  qmnmr::testing::TempDir dir{"figures"};
  JobQueue q(dir / "queue.db");
  const auto f = q.figures();
  EXPECT_FALSE(f.oldest_queued_created_at);
  EXPECT_EQ(f.jobs_by_state.size(), 5u);
  EXPECT_EQ(f.nwchem_cached, 0);
}

// queue.db as the commit before schema 4 left it (tests/fixtures/data-root-6256e57).
TEST(JobFigures, TheQueueOfTheCommitBeforeIsMigratedAndKeepsItsJobs) {
  qmnmr::testing::TempDir dir{"figures"};
  const auto db = dir / "queue.db";
  std::filesystem::copy_file(
      std::filesystem::path(QMNMR_FIXTURES_DIR) / "data-root-6256e57" / "queue.db", db);
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &st, nullptr);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(st, 0), 3);  // what that commit wrote
    sqlite3_finalize(st);
    sqlite3_close(raw);
  }
  JobQueue q(db);
  EXPECT_EQ(q.schema_version(), kQueueSchemaVersion);
  const auto counts = q.count_by_state();
  EXPECT_EQ(counts.at(JobState::complete), 1);
  EXPECT_EQ(counts.at(JobState::cancelled), 1);
  EXPECT_EQ(counts.at(JobState::queued), 1);
  auto c = q.claim("w-new", seconds(60));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->input.value("smiles", ""), "c1ccccc1");
  EXPECT_TRUE(q.record_figures(*c, {{{"prepare", 0.1, 0}}, {}}));
  EXPECT_EQ(q.figures().stages.at("prepare").count, 1);
}

}  // namespace
}  // namespace qmnmr::queue
