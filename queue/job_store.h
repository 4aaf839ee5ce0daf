// JobStore: the on-disk side of the queue under one data root:
//   <root>/queue.db, <root>/workers/, <root>/jobs/<id>/{status.json,
//   input.json, scratch/, output/, logs/}, and <root>/data_root.json, the
//   version of that layout (the queue's schema has its own, PRAGMA
//   user_version of queue.db).
// Every id is validated before it becomes a path, and every JSON file is
// replaced atomically, so a reader never sees half a status.json.
#pragma once
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace qmnmr::queue {

// The job store's layout version, in <root>/data_root.json. 1: the layout
// above, unchanged since the first release; a root made before the mark
// existed is version 1 and gets the mark when a program opens it.
inline constexpr int kDataRootVersion = 1;

class JobStore {
 public:
  explicit JobStore(std::filesystem::path data_root);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path queue_db_path() const { return root_ / "queue.db"; }
  std::filesystem::path workers_dir() const { return root_ / "workers"; }
  std::filesystem::path jobs_dir() const { return root_ / "jobs"; }

  // Creates <root>, <root>/jobs and <root>/workers when missing, and checks
  // the layout version: writes data_root.json where it is missing, throws
  // QueueError naming both versions for a root a newer qmnmr made.
  void ensure_layout() const;
  std::filesystem::path version_path() const { return root_ / "data_root.json"; }

  // <root>/jobs/<id>; throws QueueError for an invalid id (see job_id.h).
  std::filesystem::path job_dir(const std::string& id) const;
  std::filesystem::path status_path(const std::string& id) const;
  std::filesystem::path input_path(const std::string& id) const;
  std::filesystem::path scratch_dir(const std::string& id) const;
  std::filesystem::path output_dir(const std::string& id) const;
  std::filesystem::path logs_dir(const std::string& id) const;

  bool exists(const std::string& id) const;

  // Makes jobs/<id>/ with scratch/, output/, logs/ and input.json (atomic).
  // Throws QueueError when the job directory exists already. Submitting:
  // id = generate_job_id(); create(id, input); write_status(id, initial_status
  // (...)); then JobQueue::submit_as(id, ...), so that no worker can claim a
  // job whose directory is not there yet.
  void create(const std::string& id, const nlohmann::json& input) const;

  // status.json, replaced atomically (pretty-printed, trailing newline).
  void write_status(const std::string& id, const nlohmann::json& status) const;
  // Throws QueueError when missing or not JSON.
  nlohmann::json read_status(const std::string& id) const;
  nlohmann::json read_input(const std::string& id) const;

 private:
  nlohmann::json read_json(const std::filesystem::path& path) const;
  std::filesystem::path root_;
};

}  // namespace qmnmr::queue
