// `qmnmr backup DIR` and `qmnmr restore DIR`: a consistent copy of a data root
// taken while workers run, and that copy made into a new data root on this or
// another machine.
//
// The queue is copied first with SQLite's online backup (one read snapshot of
// queue.db: workers go on writing), then the folders of the jobs that snapshot
// holds - input, status, output and logs, and the scratch of jobs not yet
// finished (what a resumed job continues from) - then the run cache and the
// TMS references. A job that moved on after the snapshot is restored as the
// snapshot had it and its folder as copied a moment later: a finished folder
// with a running job resumes, finds its stages done and completes. backup.json,
// written last, marks the copy complete; restore refuses a folder without it.
// Restore gives every job that was running back to the queue (its worker is
// not on the new root), keeping its finished stages.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace qmnmr::queue {

inline constexpr int kBackupFormat = 1;

struct BackupSummary {
  std::map<std::string, int64_t> jobs_by_state;
  int64_t files = 0;
  uint64_t bytes = 0;
  int queue_schema_version = 0;
  std::vector<std::string> skipped;  // what was not copied, and why
};

// Copies data root `root` into `dest` (a new or empty folder). Throws
// QueueError naming the problem (dest not empty, no queue at root, ...).
// `made_by`: the program's name and version, kept in backup.json.
BackupSummary backup_data_root(const std::filesystem::path& root,
                               const std::filesystem::path& dest, std::string_view made_by);

struct RestoreSummary {
  std::map<std::string, int64_t> jobs_by_state;  // after the running ones went back
  int64_t files = 0;
  std::vector<std::string> requeued;  // ids of the jobs that were running
};

// Makes the backup in `backup` into the data root `root` (new, or without a
// queue or jobs). The queue is migrated when the backup's is older; a backup
// of a newer qmnmr is refused by name.
RestoreSummary restore_data_root(const std::filesystem::path& backup,
                                 const std::filesystem::path& root);

}  // namespace qmnmr::queue
