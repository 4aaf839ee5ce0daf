// find_tools, capture_output and the cached version table.
#include "runner/pipeline/tool_versions.h"

#include <stdlib.h>

#include <cstdlib>
#include <mutex>
#include <regex>

#include "container/supervisor.h"
#include "queue/atomic_file.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;

namespace {

std::string first_match(const std::string& text, const std::regex& re) {
  std::smatch m;
  return std::regex_search(text, m, re) ? m[1].str() : std::string();
}

}  // namespace

std::string capture_output(const std::vector<std::string>& argv, const fs::path& dir,
                           const std::map<std::string, std::string>& env) {
  // The output goes to a new file (O_EXCL | O_NOFOLLOW, mode 0600) in a folder
  // of its own whose name nobody can guess (mkdtemp: mode 0700), both removed
  // afterwards: `dir` may be a shared one like /tmp.
  std::string private_dir = (dir / "qmnmr-capture-XXXXXX").string();
  if (!::mkdtemp(private_dir.data())) return {};
  container::ProcessSpec spec;
  spec.argv = argv;
  spec.cwd = dir;
  spec.env = container::current_environment(env);
  spec.stdout_path = fs::path(private_dir) / "output.txt";
  spec.stderr_path = spec.stdout_path;
  spec.output_mode = container::OutputMode::create_private;
  spec.timeout = std::chrono::seconds(60);
  container::run_process(spec);
  std::string text;
  std::error_code ec;
  if (fs::is_regular_file(spec.stdout_path, ec)) text = queue::read_file(spec.stdout_path);
  fs::remove_all(private_dir, ec);
  return text;
}

std::string nwchem_version_from_output(std::string_view text) {
  std::string s(text.substr(0, std::min<size_t>(text.size(), 20000)));
  return first_match(s, std::regex(R"(\(NWChem\) ([0-9][0-9.]*))"));
}

std::vector<ToolInfo> find_tools() {
  const char* path_env = std::getenv("PATH");
  std::string path_list = path_env ? path_env : "";
  std::vector<ToolInfo> tools = {
      {"nwchem", true, "apt-get install nwchem (Debian 12: 7.0.2)"},
      {"mpirun", true, "apt-get install openmpi-bin"},
      {"xtb", true, "apt-get install xtb (Debian 12: 6.5.1)"},
      {"crest", false,
       "optional: the upstream CREST release binary (Dockerfile.worker build argument); without "
       "it the conformer search uses RDKit + xTB"},
  };
  auto tmp = fs::temp_directory_path();
  for (auto& t : tools) {
    t.path = container::find_program(t.name, path_list);
    if (!t.path) {
      t.problem = t.name + " not found on PATH";
      continue;
    }
    if (t.name == "xtb")
      t.version = first_match(capture_output({t.path->string(), "--version"}, tmp),
                              std::regex(R"(xtb version ([0-9.]+))"));
    else if (t.name == "mpirun")
      t.version = first_match(capture_output({t.path->string(), "--version"}, tmp),
                              std::regex(R"(\(Open MPI\) ([0-9.]+))"));
    else if (t.name == "crest")
      t.version = first_match(capture_output({t.path->string(), "--version"}, tmp),
                              std::regex(R"([Vv]ersion ([0-9][0-9.]*))"));
  }
  return tools;
}

const nlohmann::json& tool_versions() {
  static std::once_flag once;
  static nlohmann::json versions;
  std::call_once(once, [] {
    versions = nlohmann::json::object();
    for (const auto& t : find_tools()) {
      if (t.name == "nwchem") continue;  // read from its first output
      versions[t.name] = t.path ? nlohmann::json(t.version.empty() ? "unknown" : t.version)
                                : nlohmann::json();
    }
  });
  return versions;
}

nlohmann::json job_tool_versions(const nlohmann::json& found, const nlohmann::json& recorded) {
  nlohmann::json versions = found.is_object() ? found : nlohmann::json::object();
  if (recorded.is_object() && recorded.contains("nwchem") && recorded["nwchem"].is_string() &&
      !recorded["nwchem"].get<std::string>().empty())
    versions["nwchem"] = recorded["nwchem"];
  return versions;
}

}  // namespace qmnmr::runner
