// problem_json, the shared problems and the internal error's answer.
#include "runner/api/problem.h"

#include <cstdio>
#include <random>

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

std::string new_error_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  char id[24];
  std::snprintf(id, sizeof id, "e-%016llx", static_cast<unsigned long long>(random()));
  return id;
}

nlohmann::json internal_error_json(const std::string& error_id) {
  auto body = problem_json(ApiProblem(
      500, "internal-error", "Internal Server Error",
      "the server failed to answer this request; its log names the cause under error id " +
          error_id + " (quote it when reporting the problem)"));
  body["detail"]["error_id"] = error_id;
  return body;
}

}  // namespace qmnmr::api
