// status.json of a job, with the field names of the reference service
// (qm-nmr-calc) so that its clients can read ours; what qmnmr knows more of
// (attempts, worker, last stage) goes under keys of its own.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "queue/job_queue.h"

namespace qmnmr::queue {

// Unix seconds -> "2025-01-31T12:34:56.789012Z" (UTC, microseconds).
std::string iso8601_utc(double unix_seconds);

// The status.json of a job that was just submitted: status "queued", every
// result field present and null (steps_completed empty).
nlohmann::json initial_status(const std::string& job_id, const nlohmann::json& input,
                              double created_at_unix);

// Copies what the queue knows into a status.json: status, started_at,
// completed_at, error_message and, under qmnmr keys, attempts, max_attempts,
// worker_id, last_stage, cancel_requested. Leaves the pipeline's fields alone.
void apply_record(nlohmann::json& status, const JobRecord& record);

}  // namespace qmnmr::queue
