// JobQueue on a real SQLite file: schema and migrations, claim order, leases
// and the reaper, fencing, drain, cancel, recovery and the event log.
#include "queue/job_queue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "queue/error.h"
#include "support/queue_clock.h"
#include "support/temp_dir.h"

namespace qmnmr::queue {
namespace {

using ::testing::HasSubstr;
using std::chrono::seconds;

using qmnmr::testing::FakeClock;  // a settable clock shared with the queue under test

// Raw access to the file, as another program (or an older qmnmr) would have.
struct RawDb {
  explicit RawDb(const std::filesystem::path& p) {
    if (sqlite3_open(p.c_str(), &db) != SQLITE_OK) throw std::runtime_error("open");
  }
  ~RawDb() { sqlite3_close(db); }
  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string e = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(e + " in " + sql);
    }
  }
  std::string scalar(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return out;
  }
  sqlite3* db = nullptr;
};

class JobQueueTest : public ::testing::Test {
 protected:
  qmnmr::testing::TempDir dir{"queue"};
  FakeClock clock;
  std::filesystem::path db_path = dir / "queue.db";
  JobQueue q{db_path, clock.options()};

  std::vector<std::string> kinds(const std::string& id) {
    std::vector<std::string> out;
    for (const auto& e : q.events(id)) out.push_back(e.kind);
    return out;
  }
};

TEST_F(JobQueueTest, FreshDatabaseIsWalWithCurrentSchema) {
  EXPECT_EQ(q.schema_version(), kQueueSchemaVersion);
  q.submit({{"smiles", "C"}});
  RawDb raw(db_path);
  EXPECT_EQ(raw.scalar("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.scalar("PRAGMA application_id"), std::to_string(kQueueApplicationId));
  EXPECT_TRUE(std::filesystem::exists(dir / "queue.db-wal"));
  // Opening again does not re-run migrations or lose anything.
  JobQueue again(db_path);
  EXPECT_EQ(again.list().size(), 1u);
}

TEST(JobQueueSchema, MigratesAVersion1Database) {
  qmnmr::testing::TempDir dir{"queue"};
  auto path = dir / "queue.db";
  {
    // The schema as qmnmr schema version 1 wrote it, with a job that was
    // claimed once and drained back to the queue.
    RawDb raw(path);
    raw.exec(R"sql(
PRAGMA application_id = 1902997105;
CREATE TABLE jobs (
  id TEXT PRIMARY KEY NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued','running','complete','failed','cancelled')),
  priority INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL, updated_at REAL NOT NULL,
  started_at REAL, completed_at REAL, input_json TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL DEFAULT 3,
  lease_owner TEXT, lease_expires_at REAL, last_stage TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0, error_message TEXT, worker_id TEXT);
CREATE INDEX jobs_claim_order ON jobs (state, priority DESC, created_at);
CREATE TABLE job_events (id INTEGER PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  at REAL NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');
INSERT INTO jobs (id, state, priority, created_at, updated_at, started_at, input_json,
                  attempts, last_stage)
  VALUES ('old-job', 'queued', 0, 100.0, 100.0, 100.0, '{"smiles":"CCO"}', 1, 'xtb');
PRAGMA user_version = 1;
)sql");
    ASSERT_EQ(kQueueApplicationId, 1902997105);
  }
  JobQueue q(path);
  EXPECT_EQ(q.schema_version(), kQueueSchemaVersion);
  auto rec = q.get("old-job");
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->claims, 1);  // back-filled from attempts
  auto c = q.claim("w1", seconds(60));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, "old-job");
  EXPECT_EQ(c->attempt, 2);
  EXPECT_EQ(c->fence, 2);
  EXPECT_EQ(c->last_stage, "xtb");
  EXPECT_EQ(c->input["smiles"], "CCO");
  EXPECT_TRUE(q.complete(*c));
  RawDb raw(path);
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'jobs_lease'"), "1");
}

TEST(JobQueueSchema, RefusesANewerSchema) {
  qmnmr::testing::TempDir dir{"queue"};
  auto path = dir / "queue.db";
  {
    JobQueue q(path);
  }
  {
    RawDb raw(path);
    raw.exec("PRAGMA user_version = 5");
  }
  try {
    JobQueue q(path);
    FAIL() << "opened a database with a newer schema";
  } catch (const QueueError& e) {
    EXPECT_THAT(e.what(), HasSubstr("has schema version 5 but this qmnmr knows " +
                                    std::to_string(kQueueSchemaVersion) + "; upgrade qmnmr"));
  }
  RawDb raw(path);
  EXPECT_EQ(raw.scalar("PRAGMA user_version"), "5");  // left untouched
}

TEST(JobQueueSchema, RefusesOtherDatabasesAndNonDatabases) {
  qmnmr::testing::TempDir dir{"queue"};
  {
    RawDb raw(dir / "other.db");
    raw.exec("CREATE TABLE invoices (n INTEGER)");
  }
  EXPECT_THROW(
      {
        try {
          JobQueue q(dir / "other.db");
        } catch (const QueueError& e) {
          EXPECT_THAT(e.what(), HasSubstr("not a qmnmr queue"));
          throw;
        }
      },
      QueueError);
  {
    RawDb raw(dir / "app.db");
    raw.exec("PRAGMA application_id = 42");
  }
  EXPECT_THROW(JobQueue(dir / "app.db"), QueueError);

  std::ofstream(dir / "text.db") << "this is not a database, just some text that is long enough "
                                    "to have a header of sorts......................................"
                                    "..............................................................";
  try {
    JobQueue q(dir / "text.db");
    FAIL() << "opened a text file";
  } catch (const QueueError& e) {
    EXPECT_THAT(e.what(), HasSubstr("not a SQLite database"));
  }
}

TEST_F(JobQueueTest, ClaimOnEmptyQueueReturnsNothing) {
  EXPECT_FALSE(q.claim("w1", seconds(60)));
  q.submit({{"smiles", "C"}});
  ASSERT_TRUE(q.claim("w1", seconds(60)));
  EXPECT_FALSE(q.claim("w2", seconds(60)));  // the one job is taken
}

TEST_F(JobQueueTest, ClaimsHighestPriorityThenOldest) {
  auto next = [&] { clock.t += 1; };
  auto a = q.submit({{"n", "a"}}, 0);
  next();
  auto b = q.submit({{"n", "b"}}, 5);
  next();
  auto c = q.submit({{"n", "c"}}, 0);
  next();
  auto d = q.submit({{"n", "d"}}, 5);
  next();
  auto e = q.submit({{"n", "e"}}, -1);
  std::vector<std::string> order;
  while (auto cl = q.claim("w", seconds(60))) order.push_back(cl->id);
  EXPECT_EQ(order, (std::vector<std::string>{b, d, a, c, e}));
}

TEST_F(JobQueueTest, SameTimestampKeepsSubmissionOrder) {
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(q.submit({{"i", i}}));
  std::vector<std::string> order;
  while (auto cl = q.claim("w", seconds(60))) order.push_back(cl->id);
  EXPECT_EQ(order, ids);
}

TEST_F(JobQueueTest, ClaimSetsLeaseAndCarriesInput) {
  auto id = q.submit({{"smiles", "c1ccccc1"}, {"solvent", "chcl3"}}, 0, 4);
  auto c = q.claim("host-a:123", seconds(30));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, id);
  EXPECT_EQ(c->owner, "host-a:123");
  EXPECT_EQ(c->attempt, 1);
  EXPECT_EQ(c->input["solvent"], "chcl3");
  EXPECT_FALSE(c->last_stage);
  auto r = q.get(id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->state, JobState::running);
  EXPECT_EQ(r->lease_owner, "host-a:123");
  EXPECT_EQ(r->worker_id, "host-a:123");
  EXPECT_DOUBLE_EQ(*r->lease_expires_at, clock.t + 30);
  EXPECT_DOUBLE_EQ(*r->started_at, clock.t);
  EXPECT_EQ(r->max_attempts, 4);
}

TEST_F(JobQueueTest, ExpiredLeaseIsRequeuedThenFailedAtMaxAttempts) {
  auto id = q.submit({{"smiles", "C"}}, 0, 2);
  auto c1 = q.claim("w1", seconds(10));
  ASSERT_TRUE(c1);
  EXPECT_TRUE(q.reap_expired(clock.t + 5).empty());  // still leased
  auto released = q.reap_expired(clock.t + 11);
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].id, id);
  EXPECT_EQ(released[0].previous_owner, "w1");
  EXPECT_EQ(released[0].new_state, JobState::queued);
  auto r = q.get(id);
  EXPECT_EQ(r->state, JobState::queued);
  EXPECT_EQ(r->attempts, 1);
  EXPECT_FALSE(r->lease_owner);

  clock.t += 20;
  auto c2 = q.claim("w2", seconds(10));
  ASSERT_TRUE(c2);
  EXPECT_EQ(c2->attempt, 2);
  released = q.reap_expired(clock.t + 11);
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].new_state, JobState::failed);
  r = q.get(id);
  EXPECT_EQ(r->state, JobState::failed);
  ASSERT_TRUE(r->error_message);
  EXPECT_EQ(*r->error_message, "lease expired 2 times (worker died?); max_attempts=2 reached");
  EXPECT_TRUE(r->completed_at);
  EXPECT_FALSE(q.claim("w3", seconds(10)));  // failed jobs are not handed out again
  EXPECT_THAT(kinds(id), ::testing::ElementsAre("submitted", "claimed", "lease_expired",
                                                "requeued", "claimed", "lease_expired", "failed"));
}

TEST_F(JobQueueTest, ExtendedLeaseIsNotReaped) {
  q.submit({{"smiles", "C"}});
  auto c = q.claim("w1", seconds(10));
  clock.t += 8;
  EXPECT_EQ(q.extend_lease(*c, seconds(10)), LeaseStatus::ok);
  EXPECT_TRUE(q.reap_expired(clock.t + 5).empty());   // would have expired without the extension
  EXPECT_EQ(q.reap_expired(clock.t + 11).size(), 1u);
}

TEST_F(JobQueueTest, WorkerThatLostItsLeaseChangesNothing) {
  auto id = q.submit({{"smiles", "C"}});
  auto old = q.claim("w1", seconds(10));
  ASSERT_TRUE(old);
  ASSERT_TRUE(q.record_stage(*old, "conformers"));
  q.reap_expired(clock.t + 11);
  clock.t += 12;
  auto fresh = q.claim("w2", seconds(60));
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->id, id);
  EXPECT_EQ(fresh->last_stage, "conformers");  // resumes after the last finished stage
  auto before = q.get(id);
  auto events_before = q.events(id).size();

  EXPECT_EQ(q.extend_lease(*old, seconds(60)), LeaseStatus::lost);
  EXPECT_FALSE(q.record_stage(*old, "xtb"));
  EXPECT_FALSE(q.complete(*old));
  EXPECT_FALSE(q.fail(*old, "boom"));
  EXPECT_FALSE(q.requeue(*old, "drain"));
  EXPECT_FALSE(q.mark_cancelled(*old));

  auto after = q.get(id);
  EXPECT_EQ(after->state, JobState::running);
  EXPECT_EQ(after->lease_owner, "w2");
  EXPECT_EQ(after->last_stage, "conformers");
  EXPECT_EQ(after->lease_expires_at, before->lease_expires_at);
  EXPECT_EQ(after->attempts, before->attempts);
  EXPECT_FALSE(after->error_message);
  EXPECT_EQ(q.events(id).size(), events_before);

  EXPECT_TRUE(q.record_stage(*fresh, "xtb"));
  EXPECT_TRUE(q.complete(*fresh));
  EXPECT_FALSE(q.complete(*fresh));  // only once
  EXPECT_EQ(q.get(id)->state, JobState::complete);
}

TEST_F(JobQueueTest, SameOwnerReclaimingFencesItsOlderClaim) {
  auto id = q.submit({{"smiles", "C"}});
  auto first = q.claim("w1", seconds(10));
  q.reap_expired(clock.t + 11);
  auto second = q.claim("w1", seconds(10));
  ASSERT_TRUE(second);
  EXPECT_NE(first->fence, second->fence);
  EXPECT_FALSE(q.complete(*first));
  EXPECT_EQ(q.get(id)->state, JobState::running);
  EXPECT_TRUE(q.complete(*second));
}

TEST_F(JobQueueTest, DrainRequeueGivesTheAttemptBack) {
  auto id = q.submit({{"smiles", "C"}}, 0, 1);
  for (int round = 0; round < 3; ++round) {
    auto c = q.claim("w1", seconds(60));
    ASSERT_TRUE(c) << "round " << round;
    EXPECT_EQ(c->attempt, 1);
    ASSERT_TRUE(q.record_stage(*c, "stage" + std::to_string(round)));
    ASSERT_TRUE(q.requeue(*c, "worker draining (SIGINT)"));
    auto r = q.get(id);
    EXPECT_EQ(r->state, JobState::queued);
    EXPECT_EQ(r->attempts, 0);
    EXPECT_EQ(r->claims, round + 1);
    EXPECT_EQ(r->last_stage, "stage" + std::to_string(round));
  }
  auto c = q.claim("w1", seconds(60));
  EXPECT_EQ(c->last_stage, "stage2");
  EXPECT_TRUE(q.complete(*c));
  auto ev = q.events(id);
  EXPECT_EQ(std::count_if(ev.begin(), ev.end(), [](auto& e) { return e.kind == "requeued"; }), 3);
  EXPECT_THAT(ev[3].detail, HasSubstr("worker draining (SIGINT)"));
}

// A queue row edited outside qmnmr to hold input nested 200,000 deep: the
// claim fails that job with the limit (nlohmann never builds the value, whose
// copy would overflow the worker's stack) and hands out the next job.
TEST_F(JobQueueTest, AnInputBeyondTheJsonLimitsFailsThatJobAndTheNextIsClaimed) {
  auto deep = q.submit({{"smiles", "C"}}, 5);
  auto next = q.submit({{"smiles", "CC"}}, 0);
  {
    RawDb raw(db_path);
    raw.exec("UPDATE jobs SET input_json = '{\"smiles\": \"C\", \"calibration\": " +
             std::string(200000, '[') + std::string(200000, ']') + "}' WHERE id = '" + deep + "'");
  }
  auto c = q.claim("w1", seconds(60));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, next);
  auto r = q.get(deep);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->state, JobState::failed);
  ASSERT_TRUE(r->error_message);
  EXPECT_THAT(*r->error_message, HasSubstr("input_json in queue.db nests arrays/objects deeper "
                                           "than qmnmr's limit of 64 levels"));
  EXPECT_THAT(*r->error_message, HasSubstr("\"calibration\""));
  EXPECT_THAT(*r->error_message, HasSubstr("resubmit the job"));
  EXPECT_TRUE(r->input.is_null()) << "get() reads the row within the limits too";
  EXPECT_EQ(q.events(deep).back().kind, "failed");
}

TEST_F(JobQueueTest, FailStoresTheMessage) {
  auto id = q.submit({{"smiles", "C"}});
  auto c = q.claim("w1", seconds(60));
  EXPECT_TRUE(q.fail(*c, "nwchem exited with status 1: see logs/shielding.err"));
  auto r = q.get(id);
  EXPECT_EQ(r->state, JobState::failed);
  EXPECT_EQ(r->error_message, "nwchem exited with status 1: see logs/shielding.err");
  EXPECT_EQ(q.events(id).back().kind, "failed");
}

TEST_F(JobQueueTest, CancelQueuedRunningAndFinishedJobs) {
  auto queued = q.submit({{"n", 1}});
  auto res = q.cancel(queued);
  EXPECT_EQ(res.outcome, CancelOutcome::cancelled);
  EXPECT_EQ(q.get(queued)->state, JobState::cancelled);
  EXPECT_FALSE(q.claim("w1", seconds(60)));  // a cancelled job is never handed out

  auto running = q.submit({{"n", 2}});
  auto c = q.claim("w1", seconds(60));
  ASSERT_TRUE(c);
  res = q.cancel(running);
  EXPECT_EQ(res.outcome, CancelOutcome::requested);
  EXPECT_EQ(res.state, JobState::running);
  EXPECT_EQ(q.cancel(running).outcome, CancelOutcome::already_requested);
  EXPECT_EQ(q.get(running)->state, JobState::running);
  EXPECT_EQ(q.extend_lease(*c, seconds(60)), LeaseStatus::cancel_requested);
  EXPECT_TRUE(q.mark_cancelled(*c));
  EXPECT_EQ(q.get(running)->state, JobState::cancelled);

  auto done = q.submit({{"n", 3}});
  auto c3 = q.claim("w1", seconds(60));
  ASSERT_TRUE(q.complete(*c3));
  res = q.cancel(done);
  EXPECT_EQ(res.outcome, CancelOutcome::already_terminal);
  EXPECT_EQ(res.message, "job " + done + " is already complete");
  EXPECT_EQ(q.get(done)->state, JobState::complete);

  EXPECT_EQ(q.cancel("no-such-job").outcome, CancelOutcome::not_found);
  EXPECT_THAT(kinds(running), ::testing::ElementsAre("submitted", "claimed", "cancel_requested",
                                                     "cancelled"));
}

TEST_F(JobQueueTest, CancelRequestedJobWhoseWorkerDiedEndsCancelled) {
  auto id = q.submit({{"n", 1}}, 0, 3);
  q.claim("w1", seconds(10));
  q.cancel(id);
  auto released = q.reap_expired(clock.t + 11);
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].new_state, JobState::cancelled);
  EXPECT_EQ(q.get(id)->state, JobState::cancelled);
}

TEST_F(JobQueueTest, DrainingACancelRequestedJobCancelsIt) {
  auto id = q.submit({{"n", 1}});
  auto c = q.claim("w1", seconds(60));
  q.cancel(id);
  EXPECT_TRUE(q.requeue(*c, "draining"));
  EXPECT_EQ(q.get(id)->state, JobState::cancelled);
}

TEST_F(JobQueueTest, RestartedWorkerRecoversOnlyItsOwnJobs) {
  auto a = q.submit({{"n", "a"}});
  auto b = q.submit({{"n", "b"}});
  auto c = q.submit({{"n", "c"}}, 0, 1);
  auto ca = q.claim("host:w1", seconds(600));
  auto cb = q.claim("host:w2", seconds(600));
  auto cc = q.claim("host:w1", seconds(600));
  ASSERT_TRUE(ca && cb && cc);
  auto released = q.recover_owner("host:w1");
  ASSERT_EQ(released.size(), 2u);
  EXPECT_EQ(q.get(a)->state, JobState::queued);
  EXPECT_EQ(q.get(b)->state, JobState::running);
  EXPECT_EQ(q.get(c)->state, JobState::failed);  // max_attempts=1 used up
  EXPECT_THAT(*q.get(c)->error_message, HasSubstr("max_attempts=1 reached"));
  EXPECT_FALSE(q.complete(*ca));
  EXPECT_TRUE(q.complete(*cb));
}

TEST_F(JobQueueTest, EventLogOfAFullRun) {
  auto id = q.submit({{"smiles", "C"}}, 3);
  clock.t += 1;
  auto c = q.claim("w1", seconds(60));
  clock.t += 1;
  q.record_stage(*c, "prepare");
  q.record_stage(*c, "conformers");
  clock.t += 1;
  q.complete(*c);
  auto ev = q.events(id);
  ASSERT_EQ(ev.size(), 5u);
  EXPECT_EQ(ev[0].kind, "submitted");
  EXPECT_EQ(ev[0].detail, "priority=3 max_attempts=3");
  EXPECT_EQ(ev[1].kind, "claimed");
  EXPECT_THAT(ev[1].detail, HasSubstr("owner=w1 attempt=1"));
  EXPECT_EQ(ev[2].detail, "prepare");
  EXPECT_EQ(ev[3].detail, "conformers");
  EXPECT_EQ(ev[4].kind, "completed");
  EXPECT_DOUBLE_EQ(ev[4].at, clock.t);
  for (size_t i = 1; i < ev.size(); ++i) EXPECT_LT(ev[i - 1].seq, ev[i].seq);
  EXPECT_TRUE(q.events("other").empty());
}

TEST_F(JobQueueTest, ListAndCountByState) {
  auto a = q.submit({{"n", "a"}});
  auto b = q.submit({{"n", "b"}});
  q.submit({{"n", "c"}});
  auto c = q.claim("w", seconds(60));
  q.complete(*c);
  q.claim("w", seconds(60));
  EXPECT_EQ(q.list().size(), 3u);
  auto queued = q.list(JobState::queued);
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(q.list(JobState::complete).at(0).id, a);
  EXPECT_EQ(q.list(JobState::running).at(0).id, b);
  EXPECT_EQ(q.list(std::nullopt, 2).size(), 2u);
  auto counts = q.count_by_state();
  EXPECT_EQ(counts[JobState::queued], 1);
  EXPECT_EQ(counts[JobState::running], 1);
  EXPECT_EQ(counts[JobState::complete], 1);
  EXPECT_EQ(counts[JobState::failed], 0);
}

// The job list's pages come from SQL: newest first (ties of created_at in
// submission order, reversed), every job on exactly one page, each page with
// the total of the whole list or of its state; an offset past the end gives
// no rows and still the total.
TEST_F(JobQueueTest, PagesOfTheJobListAreNewestFirstAndHoldEveryJobOnce) {
  std::vector<std::string> ids;
  for (int i = 0; i < 23; ++i) {
    if (i % 3 == 0) clock.t += 1.0;  // three jobs share each second
    ids.push_back(q.submit({{"n", i}}));
  }
  std::set<std::string> completed;
  for (int i = 0; i < 5; ++i) {
    auto c = q.claim("w", seconds(60));
    ASSERT_TRUE(c);
    ASSERT_TRUE(q.complete(*c));
    completed.insert(c->id);
  }
  const std::vector<std::string> newest_first(ids.rbegin(), ids.rend());
  std::vector<std::string> seen;
  for (size_t offset = 0; offset < 28; offset += 7) {
    const auto page = q.page(std::nullopt, 7, offset);
    EXPECT_EQ(page.total, 23) << "offset " << offset;
    EXPECT_EQ(page.jobs.size(), std::min<size_t>(7, 23 - offset)) << "offset " << offset;
    for (const auto& r : page.jobs) seen.push_back(r.id);
  }
  EXPECT_EQ(seen, newest_first);

  std::vector<std::string> complete_newest_first;
  for (const auto& id : newest_first)
    if (completed.count(id)) complete_newest_first.push_back(id);
  const auto complete = q.page(JobState::complete, 2, 1);
  EXPECT_EQ(complete.total, 5);
  ASSERT_EQ(complete.jobs.size(), 2u);
  EXPECT_EQ(complete.jobs[0].id, complete_newest_first[1]);
  EXPECT_EQ(complete.jobs[1].id, complete_newest_first[2]);
  EXPECT_EQ(complete.jobs[0].state, JobState::complete);
  EXPECT_EQ(complete.jobs[0].input["n"].is_number(), true) << "whole records";

  const auto past = q.page(JobState::queued, 10, 100);
  EXPECT_EQ(past.total, 18);
  EXPECT_TRUE(past.jobs.empty());
  EXPECT_EQ(q.page(JobState::failed, 10, 0).total, 0);

  // The pages walk an index, newest first, rather than sorting the table.
  RawDb raw(db_path);
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN "
                       "('jobs_newest', 'jobs_newest_by_state')"),
            "2");
}

TEST_F(JobQueueTest, SubmitAsValidatesTheIdAndRefusesDuplicates) {
  q.submit_as("my-job.1", {{"smiles", "C"}});
  EXPECT_TRUE(q.get("my-job.1"));
  EXPECT_THROW(q.submit_as("my-job.1", {{"smiles", "CC"}}), QueueError);
  EXPECT_EQ(q.get("my-job.1")->input["smiles"], "C");
  EXPECT_THROW(q.submit_as("../etc", {}), QueueError);
  EXPECT_THROW(q.submit_as("x'; DROP TABLE jobs; --", {}), QueueError);
  EXPECT_THROW(q.submit({}, 0, 0), QueueError);
  EXPECT_EQ(q.list().size(), 1u);
}

TEST_F(JobQueueTest, UserTextIsBoundNotSpliced) {
  // Owners, stages and messages are free text: bound parameters keep them data.
  auto id = q.submit({{"smiles", "C'); DROP TABLE jobs; --"}});
  auto c = q.claim("w'); DELETE FROM jobs; --", seconds(60));
  ASSERT_TRUE(c);
  EXPECT_TRUE(q.record_stage(*c, "x' OR '1'='1"));
  EXPECT_TRUE(q.fail(*c, "quote ' and \" and ; -- fine"));
  auto r = q.get(id);
  EXPECT_EQ(r->input["smiles"], "C'); DROP TABLE jobs; --");
  EXPECT_EQ(r->last_stage, "x' OR '1'='1");
  EXPECT_EQ(r->error_message, "quote ' and \" and ; -- fine");
}

TEST_F(JobQueueTest, LockHeldBeyondTheTimeoutIsAClearError) {
  q.submit({{"n", 1}});
  QueueOptions fast;
  fast.busy_timeout = std::chrono::milliseconds(200);
  JobQueue other(db_path, fast);
  RawDb holder(db_path);
  holder.exec("BEGIN IMMEDIATE");
  try {
    other.claim("w2", seconds(60));
    FAIL() << "claimed while another connection held the write lock";
  } catch (const QueueError& e) {
    EXPECT_THAT(e.what(), HasSubstr("locked by another process beyond the busy timeout"));
  }
  holder.exec("ROLLBACK");
  EXPECT_TRUE(other.claim("w2", seconds(60)));  // and works once the lock is gone
}

TEST(JobStateNames, RoundTrip) {
  for (auto s : {JobState::queued, JobState::running, JobState::complete, JobState::failed,
                 JobState::cancelled}) {
    EXPECT_EQ(parse_job_state(to_string(s)), s);
  }
  EXPECT_THROW(parse_job_state("done"), QueueError);
  EXPECT_TRUE(is_terminal(JobState::cancelled));
  EXPECT_FALSE(is_terminal(JobState::running));
}

}  // namespace
}  // namespace qmnmr::queue
