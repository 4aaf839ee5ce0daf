// program_said: the tail of a program's output, reduced to one line.
#include "runner/pipeline/program_text.h"

#include <fstream>
#include <sstream>

namespace qmnmr::runner {
namespace {

std::string last_meaningful_line(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::string line, last;
  while (std::getline(in, line)) {
    auto first = line.find_first_not_of(" \t\r*-=#");
    if (first == std::string::npos) continue;
    auto end = line.find_last_not_of(" \t\r*-=#");
    last = line.substr(first, end - first + 1);
  }
  if (last.size() > 300) last = last.substr(0, 300) + "...";
  return last;
}

}  // namespace

std::string program_said(const ToolRun& run) {
  if (auto e = last_meaningful_line(run.stderr_path); !e.empty()) return e;
  return last_meaningful_line(run.stdout_path);
}

}  // namespace qmnmr::runner
