// A data root made by the commit before the queue's schema 4 and the data-root
// mark (tests/fixtures/data-root-6256e57) under the real programs: a worker
// migrates it and starts its queued job with real NWChem (test preset);
// `qmnmr backup` copies it while that job runs; `qmnmr restore` makes the
// copy into a fresh root, where a second worker resumes the job, finishes it
// and records its figures; a restore over a root in use is refused.
#include <signal.h>

#include <gtest/gtest.h>

#include "support/worker_fixture.h"

namespace qmnmr::worker_testing {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

class DataRootItest : public WorkerItest {};

TEST_F(DataRootItest, TheCommitBeforesRootIsMigratedBackedUpWhileAJobRunsRestoredAndServed) {
  fs::copy(fs::path(QMNMR_FIXTURES_DIR) / "data-root-6256e57", data_, fs::copy_options::recursive);
  ASSERT_FALSE(fs::exists(data_ / "data_root.json"));
  auto before = run_qmnmr({"list", "--json"}, env());
  ASSERT_EQ(before.code, 0) << before.err;
  std::string benzene;
  for (const auto& j : json::parse(before.out))
    if (j.value("status", "") == "queued") benzene = j.value("job_id", "");
  ASSERT_FALSE(benzene.empty()) << before.out;
  EXPECT_TRUE(fs::exists(data_ / "data_root.json"));
  {
    queue::JobQueue q(store_.queue_db_path());
    EXPECT_EQ(q.schema_version(), queue::kQueueSchemaVersion);
  }

  auto w1 = start_worker("dr-w1");
  ASSERT_TRUE(wait_in_nwchem("dr-w1", benzene, 240s)) << w1->err();
  const fs::path backup = tmp_.path() / "backup";
  auto b = run_qmnmr({"backup", backup.string()}, env());
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_NE(b.out.find("1 running"), std::string::npos) << b.out;
  EXPECT_TRUE(fs::exists(backup / "backup.json"));

  // The original root's worker drains: the job goes back to its queue there.
  w1->signal(SIGINT);
  ASSERT_TRUE(w1->wait_exit(30s).has_value());
  EXPECT_EQ(record(benzene).state, queue::JobState::queued);

  // Restored elsewhere, the job that was running is queued again and served.
  const fs::path fresh = tmp_.path() / "restored";
  Env there = env();
  there["QMNMR_DATA"] = fresh.string();
  auto r = run_qmnmr({"restore", backup.string()}, there);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find(benzene + " was running: back in the queue"), std::string::npos) << r.out;
  queue::JobStore restored(fresh);
  {
    queue::JobQueue q(restored.queue_db_path());
    auto rec = q.get(benzene);
    ASSERT_TRUE(rec);
    EXPECT_EQ(rec->state, queue::JobState::queued);
    EXPECT_EQ(rec->attempts, 0);
    EXPECT_EQ(q.count_by_state().at(queue::JobState::complete), 1);  // ethanol, as it was
    EXPECT_EQ(q.count_by_state().at(queue::JobState::cancelled), 1);
  }
  auto w2 = std::make_unique<QmnmrProcess>(
      std::vector<std::string>{"worker", "--worker-id", "dr-w2", "--once"}, there, logs_, "dr-w2");
  auto code = w2->wait_exit(300s);
  ASSERT_TRUE(code.has_value()) << "the worker on the restored root did not finish";
  EXPECT_EQ(*code, 0) << w2->err();
  {
    queue::JobQueue q(restored.queue_db_path());
    EXPECT_EQ(q.get(benzene)->state, queue::JobState::complete) << w2->err();
  }
  {
    // The restored root's worker recorded its run of the job (none came with the backup).
    queue::JobQueue q(restored.queue_db_path());
    const auto f = q.figures();
    EXPECT_EQ(f.stages.at("shielding").count, 1);
    EXPECT_GE(f.nwchem_runs.at({"shielding", "none"}).runs, 1);
  }
  auto result = run_qmnmr({"result", benzene, "--json"}, there);
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_FALSE(json::parse(result.out)["c13_shifts"].empty()) << result.out;

  auto again = run_qmnmr({"restore", backup.string()}, there);
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("already holds a queue or jobs"), std::string::npos) << again.err;
}

}  // namespace
}  // namespace qmnmr::worker_testing
