// backup_data_root / restore_data_root: SQLite's online backup of queue.db,
// the job folders the copied queue names, the caches, and backup.json.
#include "queue/backup.h"

#include <sqlite3.h>

#include <chrono>
#include <set>
#include <system_error>

#include <nlohmann/json.hpp>

#include "queue/atomic_file.h"
#include "queue/error.h"
#include "queue/job_id.h"
#include "queue/job_queue.h"
#include "queue/job_status.h"
#include "queue/job_store.h"
#include "queue/json_limits.h"
#include "queue/sqlite_db.h"

namespace qmnmr::queue {
namespace {

namespace fs = std::filesystem;

// The data root's folders besides jobs/ that a restore needs: the run cache and
// the TMS references (minutes of NWChem each); workers/ is the old host's.
constexpr const char* kCacheFolders[] = {"cache", "reference"};

bool is_empty_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && fs::directory_iterator(p, ec) == fs::directory_iterator();
}

struct CopyCount {
  int64_t files = 0;
  uint64_t bytes = 0;
  std::vector<std::string> skipped;
};

// Copies the tree `from` into `to`: folders and regular files, never
// following a symbolic link (left out, and said). A file that vanished
// meanwhile (a worker cleaned its scratch) is left out, and said.
// `skip_top`: first-level entries of `from` not to copy.
void copy_tree(const fs::path& from, const fs::path& to, CopyCount& count,
               const std::set<std::string>& skip_top = {}) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) throw QueueError("cannot create " + to.string() + ": " + ec.message());
  for (auto it = fs::recursive_directory_iterator(from, fs::directory_options::skip_permission_denied,
                                                  ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path rel = fs::relative(it->path(), from);
    if (it.depth() == 0 && skip_top.count(rel.string())) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    const auto status = it->symlink_status();
    const fs::path target = to / rel;
    if (fs::is_symlink(status)) {
      count.skipped.push_back(it->path().string() + ": a symbolic link, not copied");
    } else if (fs::is_directory(status)) {
      fs::create_directories(target, ec);
      if (ec) throw QueueError("cannot create " + target.string() + ": " + ec.message());
    } else if (fs::is_regular_file(status)) {
      std::error_code copy_ec;
      fs::copy_file(it->path(), target, fs::copy_options::overwrite_existing, copy_ec);
      if (copy_ec) {
        if (!fs::exists(it->path())) {
          count.skipped.push_back(it->path().string() + ": removed while copying");
          continue;
        }
        throw QueueError("cannot copy " + it->path().string() + " to " + target.string() + ": " +
                         copy_ec.message());
      }
      ++count.files;
      count.bytes += fs::file_size(target, copy_ec);
    } else {
      count.skipped.push_back(it->path().string() + ": not a regular file, not copied");
    }
  }
  if (ec && fs::exists(from))
    throw QueueError("cannot read " + from.string() + ": " + ec.message());
}

// queue.db's pages copied into `to` in one step, under one read snapshot.
void online_copy(const fs::path& from, const fs::path& to) {
  SqliteDb source(from);
  SqliteDb dest(to);
  sqlite3_backup* b = sqlite3_backup_init(dest.handle(), "main", source.handle(), "main");
  if (!b) dest.raise(sqlite3_errcode(dest.handle()), "backup of " + from.string());
  int rc;
  do {
    rc = sqlite3_backup_step(b, -1);
  } while (rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  const int done = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) dest.raise(rc, "backup of " + from.string());
  if (done != SQLITE_OK) dest.raise(done, "backup of " + from.string());
  // One file, no WAL beside it: the copy travels as queue.db alone.
  dest.exec("PRAGMA journal_mode=DELETE");
}

struct QueueRow {
  std::string id;
  std::string state;
};

std::vector<QueueRow> queue_rows(const fs::path& db, int& schema) {
  SqliteDb d(db);
  {
    Statement v(d, "PRAGMA user_version");
    v.step();
    schema = static_cast<int>(v.int64(0));
  }
  std::vector<QueueRow> rows;
  Statement st(d, "SELECT id, state FROM jobs ORDER BY created_at");
  while (st.step()) rows.push_back({st.text(0), st.text(1)});
  return rows;
}

std::string iso_now() {
  return iso8601_utc(
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
}

}  // namespace

BackupSummary backup_data_root(const fs::path& root, const fs::path& dest,
                               std::string_view made_by) {
  const JobStore store(root);
  std::error_code ec;
  if (!fs::is_regular_file(store.queue_db_path(), ec))
    throw QueueError(root.string() + " has no queue.db: give the data root to back up with --data");
  if (fs::exists(dest, ec) && !is_empty_dir(dest))
    throw QueueError("backup folder " + dest.string() +
                     " exists and is not empty: give a new folder (a backup never overwrites)");
  fs::create_directories(dest, ec);
  if (ec) throw QueueError("cannot create " + dest.string() + ": " + ec.message());
  { JobQueue check(store.queue_db_path()); }  // a qmnmr queue of a schema this build knows

  BackupSummary out;
  online_copy(store.queue_db_path(), dest / "queue.db");
  const auto rows = queue_rows(dest / "queue.db", out.queue_schema_version);

  CopyCount count;
  for (const auto& row : rows) {
    ++out.jobs_by_state[row.state];
    validate_job_id(row.id);
    const fs::path from = store.jobs_dir() / row.id;
    if (!fs::is_directory(from, ec)) {
      count.skipped.push_back("job " + row.id + ": no folder in " + store.jobs_dir().string());
      continue;
    }
    const bool finished = row.state == "complete" || row.state == "failed" ||
                          row.state == "cancelled";
    // A finished job's scratch is NWChem's working files, often the bulk of
    // the root; an unfinished one resumes from it.
    copy_tree(from, dest / "jobs" / row.id, count,
              finished ? std::set<std::string>{"scratch"} : std::set<std::string>{});
    if (finished) fs::create_directories(dest / "jobs" / row.id / "scratch", ec);
  }
  for (const char* folder : kCacheFolders)
    if (fs::is_directory(root / folder, ec)) copy_tree(root / folder, dest / folder, count);

  out.files = count.files + 1;
  out.bytes = count.bytes + fs::file_size(dest / "queue.db", ec);
  out.skipped = std::move(count.skipped);
  nlohmann::json manifest{{"qmnmr_backup", kBackupFormat},
                          {"made_by", std::string(made_by)},
                          {"created_at", iso_now()},
                          {"source", fs::absolute(root).string()},
                          {"queue_schema_version", out.queue_schema_version},
                          {"data_root_version", kDataRootVersion},
                          {"jobs", out.jobs_by_state},
                          {"files", out.files},
                          {"bytes", out.bytes},
                          {"skipped", out.skipped}};
  write_file_atomic(dest / "backup.json", manifest.dump(2) + "\n");
  return out;
}

RestoreSummary restore_data_root(const fs::path& backup, const fs::path& root) {
  std::error_code ec;
  const fs::path manifest_path = backup / "backup.json";
  if (!fs::is_regular_file(manifest_path, ec))
    throw QueueError(backup.string() + " has no backup.json: it is not a finished qmnmr backup "
                     "(a backup interrupted before its end has none); make one with qmnmr backup");
  nlohmann::json manifest;
  try {
    manifest = read_json_file(manifest_path);
    if (manifest.at("qmnmr_backup").get<int>() != kBackupFormat)
      throw QueueError("backup format " + manifest["qmnmr_backup"].dump() + ", this qmnmr reads " +
                       std::to_string(kBackupFormat));
  } catch (const std::exception& e) {
    throw QueueError(manifest_path.string() + " is not a qmnmr backup manifest (" + e.what() + ")");
  }
  const int schema = manifest.value("queue_schema_version", 0);
  if (schema > kQueueSchemaVersion)
    throw QueueError(backup.string() + " holds a queue of schema version " +
                     std::to_string(schema) + " (" + manifest.value("made_by", std::string("?")) +
                     ") but this qmnmr knows " + std::to_string(kQueueSchemaVersion) +
                     "; restore it with that qmnmr or a newer one");

  if (manifest.value("data_root_version", 0) > kDataRootVersion)
    throw QueueError(backup.string() + " holds a data root of layout version " +
                     std::to_string(manifest.value("data_root_version", 0)) + " (" +
                     manifest.value("made_by", std::string("?")) + ") but this qmnmr knows " +
                     std::to_string(kDataRootVersion) +
                     "; restore it with that qmnmr or a newer one");

  const JobStore store(root);
  if (fs::exists(store.queue_db_path(), ec) ||
      (fs::exists(store.jobs_dir(), ec) && !is_empty_dir(store.jobs_dir())))
    throw QueueError(root.string() + " already holds a queue or jobs: restore into a new data "
                     "root (--data), never over one in use");
  fs::create_directories(root, ec);
  if (ec) throw QueueError("cannot create " + root.string() + ": " + ec.message());

  CopyCount count;
  const fs::path tmp = root / "queue.db.restoring";
  fs::copy_file(backup / "queue.db", tmp, fs::copy_options::overwrite_existing, ec);
  if (ec) throw QueueError("cannot copy " + (backup / "queue.db").string() + ": " + ec.message());
  if (fs::is_directory(backup / "jobs", ec)) copy_tree(backup / "jobs", store.jobs_dir(), count);
  for (const char* folder : kCacheFolders)
    if (fs::is_directory(backup / folder, ec)) copy_tree(backup / folder, root / folder, count);
  // The queue last: until it is there, no worker on this root sees a job
  // whose folder is still being copied.
  fs::rename(tmp, store.queue_db_path(), ec);
  if (ec) throw QueueError("cannot move the restored queue into place: " + ec.message());
  store.ensure_layout();

  RestoreSummary out;
  out.files = count.files + 1;
  JobQueue jobs(store.queue_db_path());  // migrates an older backup's schema
  // A running job goes back as a drained one would: its attempt given back
  // (the restore, not the job, ended its run), its finished stages kept.
  for (const auto& r : jobs.list(JobState::running)) {
    if (!r.lease_owner) continue;
    const Claim held{r.id, *r.lease_owner, r.attempts, r.claims, r.input, r.last_stage};
    if (jobs.requeue(held, "restored from the backup " + fs::absolute(backup).string() +
                               " (its worker is not on this data root)"))
      out.requeued.push_back(r.id);
  }
  for (const auto& [state, n] : jobs.count_by_state())
    out.jobs_by_state[std::string(to_string(state))] = n;
  return out;
}

}  // namespace qmnmr::queue
