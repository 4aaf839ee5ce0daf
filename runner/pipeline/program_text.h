// What a failed program said: the last meaningful line of its stderr, else of
// its stdout, so that an error names the program's own words, not just its
// exit code.
#pragma once
#include <string>

#include "runner/pipeline/tool_runner.h"

namespace qmnmr::runner {

// "" when both files are empty or missing.
std::string program_said(const ToolRun& run);

}  // namespace qmnmr::runner
