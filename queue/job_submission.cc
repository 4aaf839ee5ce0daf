// submit_job and job_status.
#include "queue/job_submission.h"

#include <filesystem>

#include "queue/job_id.h"
#include "queue/job_status.h"

namespace qmnmr::queue {

std::string submit_job(const JobStore& store, JobQueue& queue, const nlohmann::json& input,
                       int priority, const nlohmann::json& known) {
  auto id = generate_job_id();
  store.create(id, input);
  auto status = initial_status(id, input, queue.now());
  if (known.is_object()) status.update(known);
  store.write_status(id, status);
  queue.submit_as(id, input, priority);
  return id;
}

std::optional<nlohmann::json> job_status(const JobStore& store, JobQueue& queue,
                                         const std::string& id) {
  validate_job_id(id);
  auto record = queue.get(id);
  if (!record) return std::nullopt;
  std::error_code ec;
  nlohmann::json status = store.exists(id) && std::filesystem::exists(store.status_path(id), ec)
                              ? store.read_status(id)
                              : initial_status(id, record->input, record->created_at);
  apply_record(status, *record);
  return status;
}

CancelResult cancel_job(const JobStore& store, JobQueue& queue, const std::string& id) {
  validate_job_id(id);
  auto result = queue.cancel(id);
  if (result.outcome == CancelOutcome::cancelled && store.exists(id))
    if (auto status = job_status(store, queue, id)) {
      (*status)["completed_at"] = iso8601_utc(queue.now());
      store.write_status(id, *status);
    }
  return result;
}

}  // namespace qmnmr::queue
