// JobStore: job directories and their JSON files.
#include "queue/job_store.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "queue/atomic_file.h"
#include "queue/error.h"
#include "queue/job_id.h"
#include "queue/json_limits.h"

namespace qmnmr::queue {

namespace fs = std::filesystem;

JobStore::JobStore(fs::path data_root) : root_(std::move(data_root)) {}

void JobStore::ensure_layout() const {
  std::error_code ec;
  for (const fs::path& p : {root_, jobs_dir(), workers_dir()}) {
    fs::create_directories(p, ec);
    if (ec) {
      throw QueueError("cannot create " + p.string() + ": " + ec.message() +
                       "; check --data and its permissions");
    }
  }
  if (!fs::exists(version_path(), ec)) {
    // Every process that finds no mark writes the same one, atomically.
    write_file_atomic(version_path(),
                      nlohmann::json{{"qmnmr_data_root", kDataRootVersion}}.dump(2) + "\n");
    return;
  }
  int version = 0;
  try {
    version = read_json_file(version_path()).at("qmnmr_data_root").get<int>();
  } catch (const std::exception& e) {
    throw QueueError(version_path().string() + " is not a qmnmr data-root mark (" + e.what() +
                     "); point --data at a qmnmr data root");
  }
  if (version > kDataRootVersion)
    throw QueueError(root_.string() + " has data-root version " + std::to_string(version) +
                     " but this qmnmr knows " + std::to_string(kDataRootVersion) +
                     "; upgrade qmnmr (a newer qmnmr has used this data root)");
}

fs::path JobStore::job_dir(const std::string& id) const {
  validate_job_id(id);
  return jobs_dir() / id;
}

fs::path JobStore::status_path(const std::string& id) const { return job_dir(id) / "status.json"; }
fs::path JobStore::input_path(const std::string& id) const { return job_dir(id) / "input.json"; }
fs::path JobStore::scratch_dir(const std::string& id) const { return job_dir(id) / "scratch"; }
fs::path JobStore::output_dir(const std::string& id) const { return job_dir(id) / "output"; }
fs::path JobStore::logs_dir(const std::string& id) const { return job_dir(id) / "logs"; }

bool JobStore::exists(const std::string& id) const {
  std::error_code ec;
  return fs::is_directory(job_dir(id), ec);
}

void JobStore::create(const std::string& id, const nlohmann::json& input) const {
  fs::path dir = job_dir(id);
  ensure_layout();
  if (::mkdir(dir.c_str(), 0755) != 0) {
    int err = errno;
    if (err == EEXIST) {
      throw QueueError("job directory " + dir.string() + " exists already; use another id");
    }
    throw QueueError("cannot create " + dir.string() + ": " + std::strerror(err) +
                     "; check --data and its permissions");
  }
  for (const char* sub : {"scratch", "output", "logs"}) {
    std::error_code ec;
    fs::create_directory(dir / sub, ec);
    if (ec) throw QueueError("cannot create " + (dir / sub).string() + ": " + ec.message());
  }
  write_file_atomic(dir / "input.json", input.dump(2) + "\n");
}

void JobStore::write_status(const std::string& id, const nlohmann::json& status) const {
  write_file_atomic(status_path(id), status.dump(2) + "\n");
}

nlohmann::json JobStore::read_json(const fs::path& path) const {
  std::string text;
  std::error_code size_ec;
  if (const auto size = fs::file_size(path, size_ec); !size_ec)
    check_json_size(size, path.string());  // before reading it whole
  try {
    text = read_file(path);
  } catch (const std::system_error& e) {
    throw QueueError(std::string(e.what()) + "; is the job id right and --data the data root?");
  }
  check_json_limits(text, path.string());  // a hand-edited file must not overflow the stack
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    throw QueueError(path.string() + " is not valid JSON; it was written outside qmnmr or the " +
                     "disk is damaged");
  }
  return j;
}

nlohmann::json JobStore::read_status(const std::string& id) const {
  return read_json(status_path(id));
}

nlohmann::json JobStore::read_input(const std::string& id) const {
  return read_json(input_path(id));
}

}  // namespace qmnmr::queue
