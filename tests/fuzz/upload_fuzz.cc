// libFuzzer target: POST /api/v1/jobs/upload (and the web page's form) after cpp-httplib has
// split the multipart body: qmnmr's own handling of the parts, api::submission_from_form, with
// the molecule file (SDF/MOL/XYZ by its name) loaded by RDKit and every check of the command
// line. The input is NUL-separated: name, value, name, value, ...; the part "file" takes a file
// name and then the content. Every upload must end in a Submission or an ApiProblem (4xx).
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <RDGeneral/RDLog.h>

#include "runner/api/problem.h"
#include "runner/api/submission.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  RDLog::InitLogs();
  boost::logging::disable_logs("rdApp.*");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace qmnmr;
  std::vector<std::string> parts;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (;;) {
    const auto nul = rest.find('\0');
    parts.emplace_back(rest.substr(0, nul));
    if (nul == std::string_view::npos) break;
    rest.remove_prefix(nul + 1);
  }
  std::map<std::string, std::string> fields;
  std::optional<api::UploadedFile> file;
  for (size_t i = 0; i + 1 < parts.size(); i += 2) {
    if (parts[i] == "file" && i + 2 < parts.size()) {
      if (!parts[i + 2].empty()) file = api::UploadedFile{parts[i + 1], parts[i + 2]};
      ++i;
    } else {
      fields[parts[i]] = parts[i + 1];
    }
  }
  try {
    const auto s = api::submission_from_form(fields, file, api::SubmissionDefaults{});
    if (s.request.molecule.text.empty()) __builtin_trap();
  } catch (const api::ApiProblem& p) {
    if (p.status < 400 || p.status > 499) __builtin_trap();
  }
  return 0;
}
