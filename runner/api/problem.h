// ApiProblem: an HTTP error answer in the reference service's shape,
// {"detail": {"type", "title", "status", "detail"}}, with qmnmr's `field`
// (the request field at fault) when there is one. Thrown by request parsing
// and route handlers; the server turns it into the response.
#pragma once
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "queue/json_limits.h"

namespace qmnmr::api {

struct ApiProblem : std::runtime_error {
  ApiProblem(int status, std::string slug, std::string title, std::string detail,
             std::string field = {})
      : std::runtime_error(detail),
        status(status),
        slug(std::move(slug)),
        title(std::move(title)),
        field(std::move(field)) {}
  int status;
  std::string slug;   // "invalid-smiles": the last part of the problem type URI
  std::string title;  // "Invalid SMILES String"
  std::string field;  // empty: not about one field
};

// The response body of a problem.
nlohmann::json problem_json(const ApiProblem& problem);

// A JSON text beyond queue/json_limits.h: 413 payload-too-large for its size,
// 422 json-too-deep for its nesting; `field` is the request field it was in.
ApiProblem json_limit_problem(const queue::JsonLimitError& error, const std::string& field);

// 404 job-not-found for `id`.
ApiProblem job_not_found(const std::string& id);

// A new id for one internal error ("e-" and 16 hex digits): the 500 answer
// carries it, the server's log line with the internal text names it.
std::string new_error_id();

// The body of a 500 answer: a generic detail naming `error_id` (also under
// detail.error_id), nothing of the internal error itself.
nlohmann::json internal_error_json(const std::string& error_id);

}  // namespace qmnmr::api
