// The API's view of a job: a status.json (with the queue's record applied)
// as the reference service's JobStatusResponse - its field names and values
// (conformer_mode single | ensemble, conformer_progress, nmr_results with
// h1_shifts/c13_shifts sorted by shift, `atom` the element, the expected MAE
// as "+/- 0.12 ppm") - with every other key of qmnmr's status.json kept
// beside them; and one row of the job list.
#pragma once
#include <nlohmann/json.hpp>

#include "queue/job_queue.h"

namespace qmnmr::api {

// GET /api/v1/jobs/{id}.
nlohmann::json job_status_response(const nlohmann::json& status);

// GET /api/v1/jobs/{id}/results: the NMRResultsResponse of a complete job
// (null when the status has no results).
nlohmann::json results_response(const nlohmann::json& status);

// One row of GET /api/v1/jobs.
nlohmann::json job_list_row(const queue::JobRecord& record);

}  // namespace qmnmr::api
