// JobStore directories and files, and status.json with the reference field
// names, written atomically.
#include "queue/job_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "queue/atomic_file.h"
#include "queue/error.h"
#include "queue/job_status.h"
#include "support/temp_dir.h"

namespace qmnmr::queue {
namespace {

namespace fs = std::filesystem;

TEST(JobStore, CreateMakesTheJobDirectory) {
  qmnmr::testing::TempDir dir{"queue"};
  JobStore store(dir / "data");
  nlohmann::json input = {{"smiles", "CCO"}, {"solvent", "chcl3"}};
  store.create("j-1", input);
  EXPECT_TRUE(store.exists("j-1"));
  EXPECT_EQ(store.job_dir("j-1"), dir / "data" / "jobs" / "j-1");
  for (const char* sub : {"scratch", "output", "logs"}) {
    EXPECT_TRUE(fs::is_directory(store.job_dir("j-1") / sub)) << sub;
  }
  EXPECT_TRUE(fs::is_directory(store.workers_dir()));
  EXPECT_EQ(store.read_input("j-1"), input);
  EXPECT_EQ(store.queue_db_path(), dir / "data" / "queue.db");
  EXPECT_THROW(store.create("j-1", input), QueueError);
  EXPECT_FALSE(store.exists("j-2"));
}

TEST(JobStore, RefusesUnsafeIdsBeforeTouchingTheDisk) {
  qmnmr::testing::TempDir dir{"queue"};
  JobStore store(dir / "data");
  for (const char* id : {"../escape", "/etc", "a/b", "..", ".x", "a b", "a\nb"}) {
    EXPECT_THROW(store.job_dir(id), QueueError) << id;
    EXPECT_THROW(store.create(id, {}), QueueError) << id;
    EXPECT_THROW(store.write_status(id, {}), QueueError) << id;
  }
  EXPECT_FALSE(fs::exists(dir / "escape"));
  EXPECT_FALSE(fs::exists(dir / "data" / "escape"));
}

TEST(JobStore, StatusRoundTripAndErrors) {
  qmnmr::testing::TempDir dir{"queue"};
  JobStore store(dir.path());
  store.create("j-1", {{"smiles", "C"}});
  EXPECT_THROW(store.read_status("j-1"), QueueError);  // not written yet
  auto status = initial_status("j-1", {{"smiles", "C"}}, 1700000000.25);
  store.write_status("j-1", status);
  EXPECT_EQ(store.read_status("j-1"), status);
  write_file_atomic(store.status_path("j-1"), "{ not json");
  try {
    store.read_status("j-1");
    FAIL();
  } catch (const QueueError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("not valid JSON"));
  }
}

TEST(JobStore, ReadersNeverSeeHalfAStatusFile) {
  qmnmr::testing::TempDir dir{"queue"};
  JobStore store(dir.path());
  store.create("j-1", {});
  // Two large, different documents written over each other while a reader
  // parses: every read must be one of them, whole.
  nlohmann::json a = initial_status("j-1", {{"pad", std::string(200000, 'a')}}, 1);
  nlohmann::json b = initial_status("j-1", {{"pad", std::string(150000, 'b')}}, 2);
  store.write_status("j-1", a);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; i < 60; ++i) store.write_status("j-1", i % 2 ? a : b);
    stop = true;
  });
  int reads = 0;
  while (!stop) {
    auto s = store.read_status("j-1");
    ASSERT_TRUE(s == a || s == b);
    ++reads;
  }
  writer.join();
  EXPECT_GT(reads, 0);
  // No temporary files are left behind.
  int files = 0;
  for (auto& e : fs::directory_iterator(store.job_dir("j-1"))) files += e.is_regular_file();
  EXPECT_EQ(files, 2);  // input.json, status.json
}

TEST(JobStatus, InitialStatusHasTheReferenceFieldNames) {
  nlohmann::json input = {{"smiles", "CCO"}, {"solvent", "chcl3"}, {"conformer_mode", "ensemble"}};
  auto s = initial_status("j-1", input, 0.0);
  for (const char* key :
       {"job_id", "status", "created_at", "started_at", "completed_at", "input", "current_step",
        "current_step_label", "steps_completed", "error_message", "nmr_results",
        "conformer_ensemble", "nwchem_actual_processes", "nwchem_actual_memory_mb"}) {
    EXPECT_TRUE(s.contains(key)) << key;
  }
  EXPECT_EQ(s["job_id"], "j-1");
  EXPECT_EQ(s["status"], "queued");
  EXPECT_EQ(s["created_at"], "1970-01-01T00:00:00.000000Z");
  EXPECT_TRUE(s["started_at"].is_null());
  EXPECT_TRUE(s["steps_completed"].is_array());
  EXPECT_TRUE(s["steps_completed"].empty());
  EXPECT_EQ(s["input"], input);
  EXPECT_EQ(s["conformer_mode"], "ensemble");
}

TEST(JobStatus, Iso8601) {
  EXPECT_EQ(iso8601_utc(1700000000.5), "2023-11-14T22:13:20.500000Z");
  EXPECT_EQ(iso8601_utc(1700000000.9999996), "2023-11-14T22:13:21.000000Z");
  EXPECT_EQ(iso8601_utc(951782400.0), "2000-02-29T00:00:00.000000Z");
}

TEST(JobStatus, ApplyRecordCopiesTheQueueState) {
  auto s = initial_status("j-1", {{"smiles", "C"}}, 100);
  s["current_step"] = "xtb";
  JobRecord r;
  r.id = "j-1";
  r.state = JobState::failed;
  r.created_at = 100;
  r.started_at = 160;
  r.completed_at = 3700;
  r.error_message = "lease expired 3 times (worker died?); max_attempts=3 reached";
  r.attempts = 3;
  r.max_attempts = 3;
  r.worker_id = "host:1";
  r.last_stage = "conformers";
  apply_record(s, r);
  EXPECT_EQ(s["status"], "failed");
  EXPECT_EQ(s["started_at"], "1970-01-01T00:02:40.000000Z");
  EXPECT_EQ(s["completed_at"], "1970-01-01T01:01:40.000000Z");
  EXPECT_EQ(s["error_message"], *r.error_message);
  EXPECT_EQ(s["attempts"], 3);
  EXPECT_EQ(s["worker_id"], "host:1");
  EXPECT_EQ(s["last_stage"], "conformers");
  EXPECT_EQ(s["current_step"], "xtb");  // the pipeline's fields are left alone
}

}  // namespace
}  // namespace qmnmr::queue
