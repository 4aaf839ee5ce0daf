// Which external programs qmnmr finds on PATH and their versions: nwchem,
// mpirun, xtb and (optional) crest. Used by `qmnmr doctor` and recorded in
// every job's status.json. Versions come from each program's own output
// (NWChem has no --version: its version is read from an output header).
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace qmnmr::runner {

struct ToolInfo {
  std::string name;
  bool required = true;
  std::string install;  // how to get it
  std::optional<std::filesystem::path> path{};
  std::string version{};
  std::string problem{};
};

// Runs argv in `dir` through the supervisor (60 s limit) and returns its
// stdout and stderr together; "" when it could not run. They are captured in a
// private file (mode 0600, created new in a mkdtemp folder under `dir`,
// removed afterwards), never at a name another user could guess or plant.
std::string capture_output(const std::vector<std::string>& argv, const std::filesystem::path& dir,
                           const std::map<std::string, std::string>& env = {});

// nwchem, mpirun, xtb, crest with paths and versions (nwchem's version is
// left empty: see nwchem_version_from_output).
std::vector<ToolInfo> find_tools();

// "7.0.2" from an NWChem output header ("Northwest Computational Chemistry
// Package (NWChem) 7.0.2"), "" when absent.
std::string nwchem_version_from_output(std::string_view text);

// {"xtb": "6.5.1", "mpirun": "4.1.4", "crest": null, ...}, found once per
// process and cached.
const nlohmann::json& tool_versions();

// What a job records as its tool_versions when a process starts or resumes it:
// `found` (tool_versions()) with the "nwchem" entry of `recorded` (what the job
// recorded before, status.json's tool_versions) kept. NWChem's version is only
// ever read from the job's own NWChem outputs and keys the TMS reference, so a
// resumed job whose NWChem runs are done must not lose it.
nlohmann::json job_tool_versions(const nlohmann::json& found, const nlohmann::json& recorded);

}  // namespace qmnmr::runner
