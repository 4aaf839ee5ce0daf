// problem_json and the shared problems.
#include "runner/api/problem.h"

namespace qmnmr::api {

nlohmann::json problem_json(const ApiProblem& p) {
  nlohmann::json detail{{"type", "https://qmnmr.invalid/problems/" + p.slug},
                        {"title", p.title},
                        {"status", p.status},
                        {"detail", p.what()}};
  if (!p.field.empty()) detail["field"] = p.field;
  return {{"detail", detail}};
}

ApiProblem json_limit_problem(const queue::JsonLimitError& e, const std::string& field) {
  if (e.limit == queue::JsonLimitError::Limit::size)
    return {413, "payload-too-large", "Payload Too Large", e.what(), field};
  return {422, "json-too-deep", "JSON Nested Too Deeply", e.what(), field};
}

ApiProblem job_not_found(const std::string& id) {
  return {404, "job-not-found", "Job Not Found", "No job exists with ID '" + id + "'"};
}

}  // namespace qmnmr::api
