// libFuzzer target: the body of POST /api/v1/jobs as `qmnmr serve` reads it: the JSON limits of
// queue/json_limits.h on the raw text, nlohmann's parse, then api::submission_from_json with
// every check of the command line (the molecule loaded with RDKit, the calibration read). Every
// body must end in a Submission or an ApiProblem (the server's 4xx); anything else would be a
// 500 or a dead server. An accepted submission's input.json must read back.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <RDGeneral/RDLog.h>

#include "queue/json_limits.h"
#include "runner/api/problem.h"
#include "runner/api/submission.h"
#include "runner/pipeline/job_request.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  RDLog::InitLogs();
  boost::logging::disable_logs("rdApp.*");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace qmnmr;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json body;
  try {
    body = queue::parse_json(text, "the request body");
  } catch (const queue::JsonLimitError&) {
    return 0;  // the server's 413/422
  } catch (const nlohmann::json::exception&) {  // parse_error, or out_of_range for 1e999
    return 0;  // the server's 400
  }
  try {
    const auto s = api::submission_from_json(body, api::SubmissionDefaults{});
    const auto input = s.request.to_json();
    const auto back = runner::request_from_json(
        queue::parse_json(input.dump(2), "input.json"));
    runner::check_request_settings(back);
    if (back.to_json() != input) __builtin_trap();
  } catch (const api::ApiProblem& p) {
    if (p.status < 400 || p.status > 499) __builtin_trap();
  }
  return 0;
}
