// JobQueue: the SQLite job queue (data/queue.db) shared by every worker on one
// host. Delivery is at-least-once with leases: claim() hands the highest
// priority, oldest queued job to one owner for a lease; the owner extends the
// lease on each heartbeat; reap_expired() puts jobs whose worker died back to
// `queued` (or fails them after max_attempts). Every write after a claim is
// fenced by the Claim, so a worker that lost its lease changes nothing.
//
// Use: one JobQueue per thread (it owns one sqlite3 connection). The database
// runs in WAL mode, which needs shared memory between the processes: the data
// root must be on a local filesystem (see filesystem_check.h).
//
// Attempts and drains: `attempts` counts the claims that count against
// `max_attempts`; `claims` counts every claim and is the fencing token. A
// drained job (requeue(), e.g. SIGINT on the worker) gives its attempt back;
// a job whose lease expired (reap_expired) or whose worker restarted
// (recover_owner) keeps it, since that job may be what kills the worker.
#pragma once
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "queue/job_figures.h"

namespace qmnmr::queue {

class SqliteDb;

enum class JobState { queued, running, complete, failed, cancelled };

// "queued", "running", ... (the qm-nmr-calc status names, plus "cancelled").
std::string_view to_string(JobState state);
// Parses a state name; throws QueueError listing the valid names.
JobState parse_job_state(std::string_view name);
bool is_terminal(JobState state);

// What the schema of this build is; PRAGMA user_version of queue.db.
inline constexpr int kQueueSchemaVersion = 4;
// PRAGMA application_id marking a qmnmr queue ("qmnq").
inline constexpr int kQueueApplicationId = 0x716d6e71;

// A job handed to one owner. Pass it back unchanged to every fenced call.
struct Claim {
  std::string id;
  std::string owner;
  int attempt = 0;        // attempts counted against max_attempts, this one included
  int64_t fence = 0;      // the job's claim counter at this claim: the fencing token
  nlohmann::json input;   // the request as submitted
  std::optional<std::string> last_stage;  // resume after this stage (nullopt: from the start)
};

struct JobRecord {
  std::string id;
  JobState state = JobState::queued;
  int priority = 0;
  double created_at = 0;
  double updated_at = 0;
  std::optional<double> started_at;
  std::optional<double> completed_at;
  nlohmann::json input;
  int attempts = 0;
  int max_attempts = 3;
  int64_t claims = 0;
  std::optional<std::string> lease_owner;
  std::optional<double> lease_expires_at;
  std::optional<std::string> last_stage;
  bool cancel_requested = false;
  std::optional<std::string> error_message;
  std::optional<std::string> worker_id;  // the owner of the latest claim (kept after it ends)
};

// One page of the job list (JobQueue::page): the rows, newest first, and how
// many jobs the list has in all.
struct JobPage {
  std::vector<JobRecord> jobs;
  int64_t total = 0;
};

struct JobEvent {
  int64_t seq = 0;
  std::string job_id;
  double at = 0;
  std::string kind;    // submitted, claimed, stage, requeued, lease_expired, recovered,
                       // cancel_requested, cancelled, completed, failed
  std::string detail;
};

enum class LeaseStatus {
  ok,                // lease extended
  lost,              // the job is no longer ours: stop working on it, write nothing
  cancel_requested,  // lease extended, but the user asked to cancel: stop, then mark_cancelled
};

enum class CancelOutcome {
  cancelled,          // it was queued: cancelled at once
  requested,          // it is running: its worker stops it within one heartbeat
  already_requested,  // running, and cancel had been asked before
  already_terminal,   // complete, failed or cancelled already (message says which)
  not_found,
};

struct CancelResult {
  CancelOutcome outcome;
  std::optional<JobState> state;  // the job's state after the call
  std::string message;            // a sentence for the user
};

// A running job taken from its lease by reap_expired() or recover_owner().
struct ReleasedJob {
  std::string id;
  std::string previous_owner;
  JobState new_state;  // queued, failed (max_attempts reached) or cancelled
  std::string reason;
};

struct QueueOptions {
  std::chrono::milliseconds busy_timeout{10000};
  // Seconds since the epoch; a seam for tests. Default: the system clock.
  std::function<double()> clock;
};

class JobQueue {
 public:
  using Options = QueueOptions;

  // Opens (creating if needed) the queue database at `db_path`: WAL,
  // busy_timeout, synchronous=NORMAL, foreign_keys, then creates or migrates
  // the schema. Throws QueueError for a file that is not a qmnmr queue or has
  // a newer schema than this build knows.
  explicit JobQueue(const std::filesystem::path& db_path);
  JobQueue(const std::filesystem::path& db_path, Options options);
  static JobQueue open(const std::filesystem::path& db_path, Options options = {});
  JobQueue(JobQueue&&) noexcept;
  JobQueue& operator=(JobQueue&&) noexcept;
  ~JobQueue();

  // Queues a new job under a generated id and returns the id.
  std::string submit(const nlohmann::json& input, int priority = 0, int max_attempts = 3);
  // Queues a job under `id` (validated; see job_id.h), e.g. after JobStore
  // created its directory. Throws QueueError when the id exists already.
  void submit_as(const std::string& id, const nlohmann::json& input, int priority = 0,
                 int max_attempts = 3);

  // Takes the highest-priority, oldest queued job for `owner` until now+lease.
  // nullopt when nothing is queued.
  std::optional<Claim> claim(const std::string& owner, std::chrono::seconds lease);

  // Fenced calls: they act only while the job is running under this very
  // claim, and return false (changing nothing) when the lease was lost. A
  // lease is lost when reap_expired/recover_owner released the job (or it was
  // re-claimed since); a lease past its expiry that nobody reaped yet still
  // counts as held.
  LeaseStatus extend_lease(const Claim& claim, std::chrono::seconds lease);
  bool record_stage(const Claim& claim, const std::string& stage);
  bool complete(const Claim& claim);
  bool fail(const Claim& claim, const std::string& message);
  // Drain: back to queued without using up the attempt (last_stage is kept,
  // so the next claim resumes there). A job with cancel requested becomes
  // cancelled instead.
  bool requeue(const Claim& claim, const std::string& reason);
  // Ends a job whose cancel was requested (or that the worker stops itself).
  bool mark_cancelled(const Claim& claim);

  // Cancels a job by id (see CancelOutcome). Never throws for a missing id.
  CancelResult cancel(const std::string& id);

  // Running jobs whose lease expired before `now` go back to queued, or to
  // failed with the reason when attempts >= max_attempts, or to cancelled
  // when cancel had been requested.
  std::vector<ReleasedJob> reap_expired(double now);
  std::vector<ReleasedJob> reap_expired();
  // The same for every running job leased to `owner`, expired or not: a
  // restarted worker calls it with its own id before claiming.
  std::vector<ReleasedJob> recover_owner(const std::string& owner);

  std::optional<JobRecord> get(const std::string& id);
  // Jobs oldest first, all or in one state; limit 0 = no limit.
  std::vector<JobRecord> list(std::optional<JobState> state = std::nullopt, size_t limit = 0);
  // The jobs newest first (created_at, then submission order), all or in one
  // state: at most `limit` rows after skipping `offset`, and the total of the
  // list, both from SQL (an index walk, never the whole table), read in one
  // snapshot so they agree.
  JobPage page(std::optional<JobState> state, size_t limit, size_t offset);
  std::map<JobState, int> count_by_state();
  // Fenced: what this claim's run of the job took (job_figures.h), recorded
  // before the job is finished or requeued. False (nothing written) when the
  // lease was lost: the job's new owner records its own run.
  bool record_figures(const Claim& claim, const JobFigures& figures);
  // The totals /metrics publishes (job_queue_figures.cc).
  QueueFigures figures();
  std::vector<JobEvent> events(const std::string& id);

  // The schema version of the open database (kQueueSchemaVersion after open).
  int schema_version();
  const std::filesystem::path& path() const;
  double now() const;

 private:
  void configure();
  void migrate();
  void add_event(const std::string& id, double at, std::string_view kind,
                 std::string_view detail);
  bool fenced_finish(const Claim& claim, JobState to, const std::optional<std::string>& message,
                     std::string_view kind, std::string_view detail);
  enum class Release { expired, recovered };
  std::vector<ReleasedJob> release_running(Release why, double now, const std::string& owner);

  std::unique_ptr<SqliteDb> db_;
  Options options_;
};

}  // namespace qmnmr::queue
