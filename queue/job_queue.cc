// JobQueue over SQLite: schema and migrations, claim with BEGIN IMMEDIATE +
// UPDATE ... RETURNING, fenced writes, reaper, cancel, events.
#include "queue/job_queue.h"

#include <sqlite3.h>

#include <array>
#include <thread>

#include "queue/error.h"
#include "queue/json_limits.h"
#include "queue/job_id.h"
#include "queue/sqlite_db.h"

namespace qmnmr::queue {
namespace {

// Schema migrations in order; migration i (1-based) takes user_version i-1 to
// i. Never edit a released step: append a new one and bump
// kQueueSchemaVersion.
const std::array<const char*, kQueueSchemaVersion> kMigrations = {
    // 1: jobs and their event log.
    R"sql(
CREATE TABLE jobs (
  id               TEXT PRIMARY KEY NOT NULL,
  state            TEXT NOT NULL
                   CHECK (state IN ('queued','running','complete','failed','cancelled')),
  priority         INTEGER NOT NULL DEFAULT 0,
  created_at       REAL NOT NULL,
  updated_at       REAL NOT NULL,
  started_at       REAL,
  completed_at     REAL,
  input_json       TEXT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  max_attempts     INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  lease_owner      TEXT,
  lease_expires_at REAL,
  last_stage       TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  error_message    TEXT,
  worker_id        TEXT
);
CREATE INDEX jobs_claim_order ON jobs (state, priority DESC, created_at);
CREATE TABLE job_events (
  id     INTEGER PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  at     REAL NOT NULL,
  kind   TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_events_by_job ON job_events (job_id, id);
)sql",
    // 2: a fencing token apart from the attempt counter, so that a drained
    // job can give its attempt back without reusing a token; an index for the
    // reaper.
    R"sql(
ALTER TABLE jobs ADD COLUMN claims INTEGER NOT NULL DEFAULT 0;
UPDATE jobs SET claims = attempts;
CREATE INDEX jobs_lease ON jobs (state, lease_expires_at);
)sql",
    // 3: indexes for the job list's pages, newest first, all or by state.
    R"sql(
CREATE INDEX jobs_newest ON jobs (created_at);
CREATE INDEX jobs_newest_by_state ON jobs (state, created_at);
)sql",
    // 4: what each run of a job took, recorded by its worker (job_figures.h):
    // the stage durations and NWChem runs that /metrics totals.
    R"sql(
CREATE TABLE stage_times (
  id           INTEGER PRIMARY KEY,
  job_id       TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  at           REAL NOT NULL,
  stage        TEXT NOT NULL,
  wall_seconds REAL NOT NULL,
  cpu_seconds  REAL NOT NULL
);
CREATE INDEX stage_times_by_stage ON stage_times (stage);
CREATE TABLE nwchem_runs (
  id           INTEGER PRIMARY KEY,
  job_id       TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  at           REAL NOT NULL,
  stage        TEXT NOT NULL,
  failure      TEXT NOT NULL,
  cached       INTEGER NOT NULL,
  wall_seconds REAL NOT NULL
);
)sql",
};

constexpr const char* kJobColumns =
    "id, state, priority, created_at, updated_at, started_at, completed_at, input_json, "
    "attempts, max_attempts, claims, lease_owner, lease_expires_at, last_stage, "
    "cancel_requested, error_message, worker_id";

// The stored request, or null when it is not JSON within the limits of
// queue/json_limits.h; `why` (when given) then says what is wrong with it.
nlohmann::json parse_input(const std::string& text, std::string* why = nullptr) {
  try {
    check_json_limits(text, "input_json in queue.db");
  } catch (const JsonLimitError& e) {
    if (why) *why = e.what();
    return nlohmann::json(nullptr);
  }
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    if (why) *why = "input_json in queue.db is not valid JSON";
    return nlohmann::json(nullptr);
  }
  return j;
}

JobRecord read_record(const Statement& st) {
  JobRecord r;
  r.id = st.text(0);
  r.state = parse_job_state(st.text(1));
  r.priority = static_cast<int>(st.int64(2));
  r.created_at = st.real(3);
  r.updated_at = st.real(4);
  r.started_at = st.opt_real(5);
  r.completed_at = st.opt_real(6);
  r.input = parse_input(st.text(7));
  r.attempts = static_cast<int>(st.int64(8));
  r.max_attempts = static_cast<int>(st.int64(9));
  r.claims = st.int64(10);
  r.lease_owner = st.opt_text(11);
  r.lease_expires_at = st.opt_real(12);
  r.last_stage = st.opt_text(13);
  r.cancel_requested = st.int64(14) != 0;
  r.error_message = st.opt_text(15);
  r.worker_id = st.opt_text(16);
  return r;
}

double system_now() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

void check_owner(const std::string& owner) {
  if (owner.empty() || owner.size() > 200) {
    throw QueueError("invalid worker id \"" + owner.substr(0, 40) +
                     "\": it must be 1..200 characters; set --worker-id");
  }
}

}  // namespace

std::string_view to_string(JobState state) {
  switch (state) {
    case JobState::queued: return "queued";
    case JobState::running: return "running";
    case JobState::complete: return "complete";
    case JobState::failed: return "failed";
    case JobState::cancelled: return "cancelled";
  }
  return "unknown";
}

JobState parse_job_state(std::string_view name) {
  for (auto s : {JobState::queued, JobState::running, JobState::complete, JobState::failed,
                 JobState::cancelled}) {
    if (to_string(s) == name) return s;
  }
  throw QueueError("unknown job state \"" + std::string(name.substr(0, 40)) +
                   "\"; use one of queued, running, complete, failed, cancelled");
}

bool is_terminal(JobState state) {
  return state == JobState::complete || state == JobState::failed ||
         state == JobState::cancelled;
}

JobQueue::JobQueue(const std::filesystem::path& db_path) : JobQueue(db_path, Options{}) {}

JobQueue::JobQueue(const std::filesystem::path& db_path, Options options)
    : db_(std::make_unique<SqliteDb>(db_path)), options_(std::move(options)) {
  configure();
  migrate();
}

JobQueue JobQueue::open(const std::filesystem::path& db_path, Options options) {
  return JobQueue(db_path, std::move(options));
}

JobQueue::JobQueue(JobQueue&&) noexcept = default;
JobQueue& JobQueue::operator=(JobQueue&&) noexcept = default;
JobQueue::~JobQueue() = default;

const std::filesystem::path& JobQueue::path() const { return db_->path(); }

double JobQueue::now() const { return options_.clock ? options_.clock() : system_now(); }

void JobQueue::configure() {
  db_->set_busy_timeout(options_.busy_timeout);
  // Switching to WAL needs a moment of exclusive access; when several workers
  // start together one of them may see SQLITE_BUSY here despite the timeout.
  auto deadline = std::chrono::steady_clock::now() + options_.busy_timeout;
  for (;;) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_->handle(), "PRAGMA journal_mode=WAL", -1, &raw, nullptr);
    std::string mode;
    if (rc == SQLITE_OK) {
      rc = sqlite3_step(raw);
      if (rc == SQLITE_ROW) {
        mode = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
        rc = SQLITE_OK;
      }
    }
    sqlite3_finalize(raw);
    if (rc == SQLITE_OK) {
      if (mode != "wal") {
        throw QueueError(db_->path().string() + " cannot use WAL journal mode (got \"" + mode +
                         "\"); put the data root on a local filesystem that supports " +
                         "shared memory (ext4, xfs, btrfs, tmpfs)");
      }
      break;
    }
    if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() > deadline) {
      db_->raise(rc, "PRAGMA journal_mode=WAL");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  db_->exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
}

int JobQueue::schema_version() {
  Statement st(*db_, "PRAGMA user_version");
  st.step();
  return static_cast<int>(st.int64(0));
}

void JobQueue::migrate() {
  auto read_ids = [&](int& app_id, int& version) {
    Statement a(*db_, "PRAGMA application_id");
    a.step();
    app_id = static_cast<int>(a.int64(0));
    version = schema_version();
  };
  int app_id = 0;
  int version = 0;
  read_ids(app_id, version);
  if (app_id == kQueueApplicationId && version == kQueueSchemaVersion) return;

  ImmediateTransaction tx(*db_);
  read_ids(app_id, version);  // again, under the write lock: another process may have migrated
  const std::string where = db_->path().string();
  if (app_id == 0 && version == 0) {
    Statement n(*db_, "SELECT count(*) FROM sqlite_schema");
    n.step();
    if (n.int64(0) != 0) {
      throw QueueError(where + " is a SQLite database but not a qmnmr queue (it has tables " +
                       "and no qmnmr mark); point --data at a qmnmr data root");
    }
    db_->exec("PRAGMA application_id=" + std::to_string(kQueueApplicationId));
  } else if (app_id != kQueueApplicationId) {
    throw QueueError(where + " is a SQLite database of another program (application_id " +
                     std::to_string(app_id) + "), not a qmnmr queue; point --data at a " +
                     "qmnmr data root");
  }
  if (version > kQueueSchemaVersion) {
    throw QueueError(where + " has schema version " + std::to_string(version) +
                     " but this qmnmr knows " + std::to_string(kQueueSchemaVersion) +
                     "; upgrade qmnmr (a newer qmnmr has used this data root)");
  }
  for (int v = version; v < kQueueSchemaVersion; ++v) {
    db_->exec(kMigrations[static_cast<size_t>(v)]);
    db_->exec("PRAGMA user_version=" + std::to_string(v + 1));
  }
  tx.commit();
}

void JobQueue::add_event(const std::string& id, double at, std::string_view kind,
                         std::string_view detail) {
  Statement st(*db_, "INSERT INTO job_events (job_id, at, kind, detail) VALUES (?1, ?2, ?3, ?4)");
  st.bind(1, std::string_view(id)).bind(2, at).bind(3, kind).bind(4, detail).run();
}

std::string JobQueue::submit(const nlohmann::json& input, int priority, int max_attempts) {
  for (int tries = 0;; ++tries) {
    std::string id = generate_job_id();
    if (get(id) && tries < 5) continue;  // 48 random bits: practically never
    submit_as(id, input, priority, max_attempts);
    return id;
  }
}

void JobQueue::submit_as(const std::string& id, const nlohmann::json& input, int priority,
                         int max_attempts) {
  validate_job_id(id);
  if (max_attempts < 1) {
    throw QueueError("max_attempts must be at least 1 (got " + std::to_string(max_attempts) + ")");
  }
  const double t = now();
  ImmediateTransaction tx(*db_);
  Statement st(*db_,
               "INSERT INTO jobs (id, state, priority, created_at, updated_at, input_json, "
               "max_attempts) VALUES (?1, 'queued', ?2, ?3, ?3, ?4, ?5) "
               "ON CONFLICT (id) DO NOTHING");
  st.bind(1, std::string_view(id)).bind(2, priority).bind(3, t).bind(4, input.dump());
  st.bind(5, max_attempts).run();
  if (db_->changes() != 1) {
    throw QueueError("job " + id + " exists already; submit under another id");
  }
  add_event(id, t, "submitted",
            "priority=" + std::to_string(priority) + " max_attempts=" + std::to_string(max_attempts));
  tx.commit();
}

std::optional<Claim> JobQueue::claim(const std::string& owner, std::chrono::seconds lease) {
  check_owner(owner);
  const double t = now();
  ImmediateTransaction tx(*db_);
  for (;;) {
    Statement st(*db_,
                 "UPDATE jobs SET state = 'running', lease_owner = ?1, lease_expires_at = ?2, "
                 "attempts = attempts + 1, claims = claims + 1, "
                 "started_at = coalesce(started_at, ?3), updated_at = ?3, worker_id = ?1 "
                 "WHERE id = (SELECT id FROM jobs WHERE state = 'queued' "
                 "            ORDER BY priority DESC, created_at, rowid LIMIT 1) "
                 "RETURNING id, attempts, claims, input_json, last_stage");
    st.bind(1, std::string_view(owner)).bind(2, t + static_cast<double>(lease.count()));
    st.bind(3, t);
    if (!st.step()) {
      tx.commit();
      return std::nullopt;
    }
    Claim c;
    c.id = st.text(0);
    c.owner = owner;
    c.attempt = static_cast<int>(st.int64(1));
    c.fence = st.int64(2);
    std::string input_text = st.text(3);
    c.last_stage = st.opt_text(4);
    st.run();
    std::string why = "input_json in queue.db is not valid JSON";
    c.input = parse_input(input_text, &why);
    if (c.input.is_null()) {
      // Cannot happen through submit(); a hand-edited row must not wedge the queue.
      Statement f(*db_,
                  "UPDATE jobs SET state = 'failed', completed_at = ?2, lease_owner = NULL, "
                  "lease_expires_at = NULL, error_message = ?3 WHERE id = ?1");
      f.bind(1, std::string_view(c.id)).bind(2, t);
      const std::string message = why + "; resubmit the job";
      f.bind(3, std::string_view(message));
      f.run();
      add_event(c.id, t, "failed", why);
      continue;
    }
    add_event(c.id, t, "claimed",
              "owner=" + owner + " attempt=" + std::to_string(c.attempt) +
                  " fence=" + std::to_string(c.fence) +
                  (c.last_stage ? " resume_after=" + *c.last_stage : std::string()));
    tx.commit();
    return c;
  }
}

LeaseStatus JobQueue::extend_lease(const Claim& claim, std::chrono::seconds lease) {
  const double t = now();
  Statement st(*db_,
               "UPDATE jobs SET lease_expires_at = ?4, updated_at = ?5 "
               "WHERE id = ?1 AND lease_owner = ?2 AND claims = ?3 AND state = 'running' "
               "RETURNING cancel_requested");
  st.bind(1, std::string_view(claim.id)).bind(2, std::string_view(claim.owner));
  st.bind(3, claim.fence).bind(4, t + static_cast<double>(lease.count())).bind(5, t);
  if (!st.step()) return LeaseStatus::lost;
  bool cancel = st.int64(0) != 0;
  st.run();
  return cancel ? LeaseStatus::cancel_requested : LeaseStatus::ok;
}

bool JobQueue::record_stage(const Claim& claim, const std::string& stage) {
  const double t = now();
  ImmediateTransaction tx(*db_);
  Statement st(*db_,
               "UPDATE jobs SET last_stage = ?4, updated_at = ?5 "
               "WHERE id = ?1 AND lease_owner = ?2 AND claims = ?3 AND state = 'running'");
  st.bind(1, std::string_view(claim.id)).bind(2, std::string_view(claim.owner));
  st.bind(3, claim.fence).bind(4, std::string_view(stage)).bind(5, t).run();
  if (db_->changes() != 1) return false;
  add_event(claim.id, t, "stage", stage);
  tx.commit();
  return true;
}

bool JobQueue::fenced_finish(const Claim& claim, JobState to,
                             const std::optional<std::string>& message, std::string_view kind,
                             std::string_view detail) {
  const double t = now();
  ImmediateTransaction tx(*db_);
  Statement st(*db_,
               "UPDATE jobs SET state = ?4, completed_at = ?5, updated_at = ?5, "
               "lease_owner = NULL, lease_expires_at = NULL, error_message = ?6 "
               "WHERE id = ?1 AND lease_owner = ?2 AND claims = ?3 AND state = 'running'");
  st.bind(1, std::string_view(claim.id)).bind(2, std::string_view(claim.owner));
  st.bind(3, claim.fence).bind(4, to_string(to)).bind(5, t).bind(6, message).run();
  if (db_->changes() != 1) return false;
  add_event(claim.id, t, kind, detail);
  tx.commit();
  return true;
}

bool JobQueue::complete(const Claim& claim) {
  return fenced_finish(claim, JobState::complete, std::nullopt, "completed", "by " + claim.owner);
}

bool JobQueue::fail(const Claim& claim, const std::string& message) {
  return fenced_finish(claim, JobState::failed, message, "failed", message);
}

bool JobQueue::mark_cancelled(const Claim& claim) {
  return fenced_finish(claim, JobState::cancelled, std::string("cancelled on request"),
                       "cancelled", "stopped by " + claim.owner);
}

bool JobQueue::requeue(const Claim& claim, const std::string& reason) {
  const double t = now();
  ImmediateTransaction tx(*db_);
  Statement st(*db_,
               "UPDATE jobs SET "
               "  state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'queued' END, "
               "  attempts = CASE WHEN cancel_requested THEN attempts ELSE attempts - 1 END, "
               "  completed_at = CASE WHEN cancel_requested THEN ?4 ELSE NULL END, "
               "  error_message = CASE WHEN cancel_requested THEN 'cancelled on request' "
               "                  ELSE error_message END, "
               "  lease_owner = NULL, lease_expires_at = NULL, updated_at = ?4 "
               "WHERE id = ?1 AND lease_owner = ?2 AND claims = ?3 AND state = 'running' "
               "RETURNING state");
  st.bind(1, std::string_view(claim.id)).bind(2, std::string_view(claim.owner));
  st.bind(3, claim.fence).bind(4, t);
  if (!st.step()) return false;
  std::string state = st.text(0);
  st.run();
  if (state == "cancelled") {
    add_event(claim.id, t, "cancelled", "drained by " + claim.owner + " after cancel request");
  } else {
    add_event(claim.id, t, "requeued", reason + " (attempt given back)");
  }
  tx.commit();
  return true;
}

CancelResult JobQueue::cancel(const std::string& id) {
  const double t = now();
  ImmediateTransaction tx(*db_);
  Statement q(*db_, "SELECT state, cancel_requested FROM jobs WHERE id = ?1");
  q.bind(1, std::string_view(id));
  if (!q.step()) {
    return {CancelOutcome::not_found, std::nullopt,
            "no job " + id + " in the queue; see `qmnmr list`"};
  }
  JobState state = parse_job_state(q.text(0));
  bool requested = q.int64(1) != 0;
  q.run();
  if (is_terminal(state)) {
    return {CancelOutcome::already_terminal, state,
            "job " + id + " is already " + std::string(to_string(state))};
  }
  if (state == JobState::queued) {
    Statement u(*db_,
                "UPDATE jobs SET state = 'cancelled', completed_at = ?2, updated_at = ?2, "
                "error_message = 'cancelled on request' WHERE id = ?1 AND state = 'queued'");
    u.bind(1, std::string_view(id)).bind(2, t).run();
    add_event(id, t, "cancelled", "while queued");
    tx.commit();
    return {CancelOutcome::cancelled, JobState::cancelled, "job " + id + " cancelled"};
  }
  if (requested) {
    return {CancelOutcome::already_requested, state,
            "job " + id + " is running; cancel was already requested"};
  }
  Statement u(*db_,
              "UPDATE jobs SET cancel_requested = 1, updated_at = ?2 WHERE id = ?1 AND "
              "state = 'running'");
  u.bind(1, std::string_view(id)).bind(2, t).run();
  add_event(id, t, "cancel_requested", "");
  tx.commit();
  return {CancelOutcome::requested, JobState::running,
          "job " + id + " is running; its worker will stop it within one heartbeat"};
}

std::vector<ReleasedJob> JobQueue::release_running(Release why, double t,
                                                   const std::string& owner) {
  struct Row {
    std::string id, owner;
    int attempts, max_attempts;
    bool cancel;
    int64_t claims;
  };
  if (why == Release::expired) {
    // Every worker reaps on every tick: look without the write lock first.
    Statement any(*db_,
                  "SELECT EXISTS (SELECT 1 FROM jobs WHERE state = 'running' AND "
                  "lease_expires_at < ?1)");
    any.bind(1, t);
    any.step();
    if (any.int64(0) == 0) return {};
  }
  ImmediateTransaction tx(*db_);
  std::vector<Row> rows;
  {
    Statement q(*db_, why == Release::expired
                          ? "SELECT id, lease_owner, attempts, max_attempts, cancel_requested, "
                            "claims FROM jobs WHERE state = 'running' AND lease_expires_at < ?1 "
                            "ORDER BY rowid"
                          : "SELECT id, lease_owner, attempts, max_attempts, cancel_requested, "
                            "claims FROM jobs WHERE state = 'running' AND lease_owner = ?1 "
                            "ORDER BY rowid");
    if (why == Release::expired) {
      q.bind(1, t);
    } else {
      q.bind(1, std::string_view(owner));
    }
    while (q.step()) {
      rows.push_back({q.text(0), q.opt_text(1).value_or(""), static_cast<int>(q.int64(2)),
                      static_cast<int>(q.int64(3)), q.int64(4) != 0, q.int64(5)});
    }
  }
  std::vector<ReleasedJob> out;
  for (const Row& r : rows) {
    std::string n = std::to_string(r.attempts);
    std::string m = std::to_string(r.max_attempts);
    std::string what = why == Release::expired
                           ? "lease of " + r.owner + " expired (attempt " + n + " of " + m + ")"
                           : "worker " + r.owner + " restarted while running this job (attempt " +
                                 n + " of " + m + ")";
    ReleasedJob rel{r.id, r.owner, JobState::queued, what};
    std::optional<std::string> error;
    if (r.cancel) {
      rel.new_state = JobState::cancelled;
      rel.reason = "cancelled on request; its worker " + r.owner + " went away";
      error = rel.reason;
    } else if (r.attempts >= r.max_attempts) {
      rel.new_state = JobState::failed;
      rel.reason = why == Release::expired
                       ? "lease expired " + n + " times (worker died?); max_attempts=" + m +
                             " reached"
                       : "worker lost the job " + n + " times (last: " + r.owner +
                             " restarted); max_attempts=" + m + " reached";
      error = rel.reason;
    }
    bool terminal = rel.new_state != JobState::queued;
    Statement u(*db_,
                "UPDATE jobs SET state = ?3, lease_owner = NULL, lease_expires_at = NULL, "
                "error_message = coalesce(?4, error_message), completed_at = ?5, "
                "updated_at = ?6 WHERE id = ?1 AND claims = ?2 AND state = 'running'");
    u.bind(1, std::string_view(r.id)).bind(2, r.claims).bind(3, to_string(rel.new_state));
    u.bind(4, error);
    if (terminal) {
      u.bind(5, t);
    } else {
      u.bind_null(5);
    }
    u.bind(6, t).run();
    if (db_->changes() != 1) continue;
    add_event(r.id, t, why == Release::expired ? "lease_expired" : "recovered", what);
    add_event(r.id, t,
              rel.new_state == JobState::queued   ? "requeued"
              : rel.new_state == JobState::failed ? "failed"
                                                  : "cancelled",
              rel.reason);
    out.push_back(std::move(rel));
  }
  tx.commit();
  return out;
}

std::vector<ReleasedJob> JobQueue::reap_expired(double t) {
  return release_running(Release::expired, t, "");
}

std::vector<ReleasedJob> JobQueue::reap_expired() { return reap_expired(now()); }

std::vector<ReleasedJob> JobQueue::recover_owner(const std::string& owner) {
  check_owner(owner);
  return release_running(Release::recovered, now(), owner);
}

std::optional<JobRecord> JobQueue::get(const std::string& id) {
  std::string sql = std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?1";
  Statement st(*db_, sql.c_str());
  st.bind(1, std::string_view(id));
  if (!st.step()) return std::nullopt;
  return read_record(st);
}

std::vector<JobRecord> JobQueue::list(std::optional<JobState> state, size_t limit) {
  std::string sql = std::string("SELECT ") + kJobColumns +
                    " FROM jobs WHERE (?1 IS NULL OR state = ?1) ORDER BY created_at, rowid "
                    "LIMIT ?2";
  Statement st(*db_, sql.c_str());
  if (state) {
    st.bind(1, to_string(*state));
  } else {
    st.bind_null(1);
  }
  st.bind(2, limit == 0 ? int64_t{-1} : static_cast<int64_t>(limit));
  std::vector<JobRecord> out;
  while (st.step()) out.push_back(read_record(st));
  return out;
}

JobPage JobQueue::page(std::optional<JobState> state, size_t limit, size_t offset) {
  ReadTransaction snapshot(*db_);  // the count and the rows from one snapshot
  JobPage out;
  {
    Statement count(*db_, state ? "SELECT count(*) FROM jobs WHERE state = ?1"
                                : "SELECT count(*) FROM jobs");
    if (state) count.bind(1, to_string(*state));
    count.step();
    out.total = count.int64(0);
  }
  const std::string sql = std::string("SELECT ") + kJobColumns + " FROM jobs" +
                          (state ? " WHERE state = ?1" : "") +
                          " ORDER BY created_at DESC, rowid DESC LIMIT ?2 OFFSET ?3";
  Statement rows(*db_, sql.c_str());
  if (state) rows.bind(1, to_string(*state));
  rows.bind(2, static_cast<int64_t>(limit)).bind(3, static_cast<int64_t>(offset));
  while (rows.step()) out.jobs.push_back(read_record(rows));
  return out;
}

std::map<JobState, int> JobQueue::count_by_state() {
  std::map<JobState, int> out;
  for (auto s : {JobState::queued, JobState::running, JobState::complete, JobState::failed,
                 JobState::cancelled}) {
    out[s] = 0;
  }
  Statement st(*db_, "SELECT state, count(*) FROM jobs GROUP BY state");
  while (st.step()) out[parse_job_state(st.text(0))] = static_cast<int>(st.int64(1));
  return out;
}

std::vector<JobEvent> JobQueue::events(const std::string& id) {
  Statement st(*db_,
               "SELECT id, job_id, at, kind, detail FROM job_events WHERE job_id = ?1 ORDER BY id");
  st.bind(1, std::string_view(id));
  std::vector<JobEvent> out;
  while (st.step()) out.push_back({st.int64(0), st.text(1), st.real(2), st.text(3), st.text(4)});
  return out;
}

}  // namespace qmnmr::queue
