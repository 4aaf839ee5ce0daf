// Helpers shared by the run_*_itest.cc end-to-end tests: reading a job
// folder's JSON files, listing its logs, and the arguments every run gets.
#pragma once
#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/qmnmr_process.h"

namespace qmnmr::testing {

inline nlohmann::json read_json(const std::filesystem::path& p) {
  auto text = slurp(p);
  if (text.empty()) ADD_FAILURE() << "missing or empty " << p;
  return nlohmann::json::parse(text.empty() ? "null" : text);
}

// Names of files in `dir` matching the regex `pattern`, sorted.
inline std::vector<std::string> files_matching(const std::filesystem::path& dir,
                                               const std::string& pattern) {
  std::vector<std::string> names;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return names;
  std::regex re(pattern);
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (std::regex_match(e.path().filename().string(), re))
      names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Every line of `text` that contains `needle`.
inline std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    auto line = text.substr(start, end - start);
    if (line.find(needle) != std::string::npos) out.push_back(line);
    start = end + 1;
  }
  return out;
}

// Shifts of a results list (h1_shifts/c13_shifts) by 1-based atom index.
inline double shift_of(const nlohmann::json& list, int index) {
  for (const auto& r : list)
    if (r.at("index").get<int>() == index) return r.at("shift").get<double>();
  ADD_FAILURE() << "no shift for atom " << index;
  return 0;
}

// Failure text that shows what qmnmr said.
inline std::string explain(const QmnmrOutcome& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

}  // namespace qmnmr::testing
