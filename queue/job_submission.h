// How a job enters the queue and how its current status is read, the same for
// every client (the command line and the HTTP API): the job's folder and
// status.json exist before the queue row, so no worker claims a job without
// them; the status is the job's status.json with what the queue knows applied.
#pragma once
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "queue/job_queue.h"
#include "queue/job_store.h"

namespace qmnmr::queue {

// Creates jobs/<new id>/ with input.json and status.json, then the queue row.
// The input must have been validated by the caller; `known` adds what the
// validation learnt to the initial status.json (e.g. {"molecule":
// {"canonical_smiles": ...}}). Returns the new id.
std::string submit_job(const JobStore& store, JobQueue& queue, const nlohmann::json& input,
                       int priority, const nlohmann::json& known = nlohmann::json::object());

// The status of job `id`, or nullopt when the queue has no such job. Throws
// QueueError for an id that is not a valid job id.
std::optional<nlohmann::json> job_status(const JobStore& store, JobQueue& queue,
                                         const std::string& id);

// Cancels job `id` (JobQueue::cancel); a job cancelled at once (it was
// queued) gets its completed_at in status.json too.
CancelResult cancel_job(const JobStore& store, JobQueue& queue, const std::string& id);

}  // namespace qmnmr::queue
