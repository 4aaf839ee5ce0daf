// backup_data_root / restore_data_root on real files and SQLite: a backup taken
// while another connection keeps writing, what is copied and left out, the
// restore that gives running jobs back to the queue, and every refusal.
#include "queue/backup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "queue/atomic_file.h"
#include "queue/error.h"
#include "queue/job_queue.h"
#include "queue/job_store.h"
#include "queue/json_limits.h"
#include "support/temp_dir.h"

namespace qmnmr::queue {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using std::chrono::seconds;

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

// A root with a finished job (scratch to be left out), a running one past
// its xtb stage (scratch kept), a queued one, and a TMS reference.
struct Root {
  qmnmr::testing::TempDir dir{"backup"};
  fs::path root = dir / "data";
  JobStore store{root};
  std::string done, running, queued;

  Root() {
    store.ensure_layout();
    JobQueue q(store.queue_db_path());
    for (auto* id : {&done, &running, &queued}) {
      *id = q.submit({{"smiles", "CCO"}});
      store.create(*id, {{"smiles", "CCO"}});
    }
    auto c1 = q.claim("old-host-1", seconds(600));
    write(store.scratch_dir(done) / "big.movecs", std::string(1000, 'x'));
    write(store.output_dir(done) / "results.json", "{}");
    EXPECT_TRUE(q.complete(*c1));
    auto c2 = q.claim("old-host-1", seconds(600));
    EXPECT_TRUE(q.record_stage(*c2, "xtb"));
    write(store.scratch_dir(running) / "dft_opt" / "conf_001" / "qmnmr.movecs", "resume me");
    write(root / "reference" / "tms-1.json", "{\"tms\": 1}");
  }
};

TEST(Backup, ACopyTakenWhileAnotherConnectionWritesRestoresEveryJobItHolds) {
  Root r;
  const fs::path dest = r.dir / "backup";
  // Another process keeps submitting during the backup: the copy is one
  // snapshot, whatever it catches.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    JobQueue q(r.store.queue_db_path());
    while (!stop) q.submit({{"smiles", "C"}});
  });
  BackupSummary b;
  try {
    b = backup_data_root(r.root, dest, "qmnmr test");
  } catch (...) {
    stop = true;
    writer.join();
    throw;
  }
  stop = true;
  writer.join();
  EXPECT_EQ(b.queue_schema_version, kQueueSchemaVersion);
  EXPECT_EQ(b.jobs_by_state["complete"], 1);
  EXPECT_EQ(b.jobs_by_state["running"], 1);
  EXPECT_GE(b.jobs_by_state["queued"], 1);
  EXPECT_TRUE(fs::exists(dest / "backup.json"));
  EXPECT_FALSE(fs::exists(dest / "queue.db-wal"));  // one file
  // A finished job's scratch stays behind; the running job's is what it resumes from.
  EXPECT_FALSE(fs::exists(dest / "jobs" / r.done / "scratch" / "big.movecs"));
  EXPECT_TRUE(fs::exists(dest / "jobs" / r.done / "output" / "results.json"));
  EXPECT_TRUE(fs::exists(dest / "jobs" / r.running / "scratch" / "dft_opt" / "conf_001" /
                         "qmnmr.movecs"));
  EXPECT_TRUE(fs::exists(dest / "reference" / "tms-1.json"));

  const fs::path fresh = r.dir / "restored";
  auto restored = restore_data_root(dest, fresh);
  ASSERT_EQ(restored.requeued, std::vector<std::string>{r.running});
  EXPECT_EQ(restored.jobs_by_state["running"], 0);
  EXPECT_EQ(restored.jobs_by_state["complete"], 1);
  EXPECT_EQ(restored.jobs_by_state["queued"], b.jobs_by_state["queued"] + 1);
  EXPECT_TRUE(fs::exists(fresh / "data_root.json"));
  EXPECT_FALSE(fs::exists(fresh / "queue.db.restoring"));
  // The running job resumes after its stage, its attempt given back.
  JobQueue q(fresh / "queue.db");
  auto rec = q.get(r.running);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->state, JobState::queued);
  EXPECT_EQ(rec->last_stage, "xtb");
  EXPECT_EQ(rec->attempts, 0);
  auto c = q.claim("new-host", seconds(60));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, r.running);  // the oldest queued
  EXPECT_EQ(c->last_stage, "xtb");
  EXPECT_TRUE(fs::exists(fresh / "jobs" / r.running / "scratch" / "dft_opt" / "conf_001" /
                         "qmnmr.movecs"));
}

TEST(Backup, RefusesAFolderThatIsNotEmptyAndARootWithoutAQueue) {
  Root r;
  write(r.dir / "used" / "something", "x");
  EXPECT_THAT([&] { backup_data_root(r.root, r.dir / "used", "t"); },
              ::testing::ThrowsMessage<QueueError>(HasSubstr("is not empty: give a new folder")));
  EXPECT_THAT([&] { backup_data_root(r.dir / "nowhere", r.dir / "b", "t"); },
              ::testing::ThrowsMessage<QueueError>(HasSubstr("has no queue.db")));
}

TEST(Restore, RefusesAnUnfinishedBackupANewerOneAndARootInUse) {
  Root r;
  const fs::path dest = r.dir / "backup";
  backup_data_root(r.root, dest, "qmnmr test");
  // Over a root that has a queue.
  EXPECT_THAT([&] { restore_data_root(dest, r.root); },
              ::testing::ThrowsMessage<QueueError>(HasSubstr("already holds a queue or jobs")));
  // A newer qmnmr's backup.
  auto manifest = read_json_file(dest / "backup.json");
  manifest["queue_schema_version"] = kQueueSchemaVersion + 1;
  write_file_atomic(dest / "backup.json", manifest.dump());
  EXPECT_THAT([&] { restore_data_root(dest, r.dir / "fresh1"); },
              ::testing::ThrowsMessage<QueueError>(HasSubstr("but this qmnmr knows")));
  manifest["queue_schema_version"] = kQueueSchemaVersion;
  manifest["data_root_version"] = kDataRootVersion + 1;
  write_file_atomic(dest / "backup.json", manifest.dump());
  EXPECT_THAT([&] { restore_data_root(dest, r.dir / "fresh1"); },
              ::testing::ThrowsMessage<QueueError>(HasSubstr("layout version")));
  // No manifest: interrupted.
  fs::remove(dest / "backup.json");
  EXPECT_THAT([&] { restore_data_root(dest, r.dir / "fresh2"); },
              ::testing::ThrowsMessage<QueueError>(HasSubstr("has no backup.json")));
  EXPECT_FALSE(fs::exists(r.dir / "fresh2" / "queue.db"));
}

TEST(DataRootVersion, AMarkIsWrittenOnceAndANewerRootIsRefusedByName) {
  qmnmr::testing::TempDir dir{"backup"};
  JobStore store(dir / "data");
  store.ensure_layout();
  EXPECT_EQ(read_json_file(store.version_path()).at("qmnmr_data_root"), kDataRootVersion);
  write_file_atomic(store.version_path(), "{\"qmnmr_data_root\": 99}");
  EXPECT_THAT([&] { store.ensure_layout(); },
              ::testing::ThrowsMessage<QueueError>(
                  HasSubstr("has data-root version 99 but this qmnmr knows 1; upgrade qmnmr")));
}

}  // namespace
}  // namespace qmnmr::queue
