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

ApiProblem job_not_found(const std::string& id) {
  return {404, "job-not-found", "Job Not Found", "No job exists with ID '" + id + "'"};
}

}  // namespace qmnmr::api
