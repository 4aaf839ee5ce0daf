// The files of a complete job the API hands out: which route maps to which
// file of output/, with its content type and download name, and the ZIP of
// output/. A job that is not complete is 409 job-not-complete; a missing file
// 404 (the reference service's order of checks).
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "queue/job_store.h"

namespace qmnmr::api {

struct Download {
  std::string body;
  std::string content_type;
  std::string filename;  // Content-Disposition: attachment
};

// `what` is the route's tail: geometry, geometry.sdf, nmredata.sdf, shifts.csv,
// spectrum/1h.svg, spectrum/13c.svg, output. `status` is the job's status.
// Throws ApiProblem.
Download job_download(const queue::JobStore& store, const std::string& id,
                      const nlohmann::json& status, const std::string& what);

}  // namespace qmnmr::api
