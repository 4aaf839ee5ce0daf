// run_doctor: tool discovery, versions, smoke test and the verdict.
#include "runner/modes/doctor.h"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include <nlohmann/json.hpp>

#include "container/supervisor.h"
#include "queue/atomic_file.h"
#include "runner/modes/app.h"
#include "runner/resources/mpi_launch.h"
#include "runner/resources/shm_check.h"
#include "runner/pipeline/tool_versions.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using nlohmann::json;

int run_doctor(const Config& config, bool as_json) {
  auto tools = find_tools();
  // The smoke test's folder: private (mkdtemp, mode 0700), not a guessable name in /tmp.
  std::string tmp_name = (fs::temp_directory_path() / "qmnmr-doctor-XXXXXX").string();
  if (!::mkdtemp(tmp_name.data()))
    throw ConfigError("cannot create a private folder in " + fs::temp_directory_path().string() +
                      " for the NWChem smoke test: " + std::strerror(errno) +
                      "; set TMPDIR to a writable folder");
  const fs::path tmp = tmp_name;
  // NWChem has no --version: a one-rank smoke test through mpirun tells the
  // version and proves that both work together.
  auto& nwchem = tools[0];
  auto& mpirun = tools[1];
  if (nwchem.path && mpirun.path) {
    queue::write_file_atomic(tmp / "smoke.nw",
                             "start smoke\nscratch_dir " + tmp.string() + "\npermanent_dir " +
                                 tmp.string() +
                                 "\ngeometry units angstrom noautoz noautosym\n H 0 0 0\n H 0 0 "
                                 "0.74\nend\nbasis\n * library sto-3g\nend\ntask scf energy\n");
    ResourcePlan one;
    one.ranks = 1;
    auto text = capture_output(nwchem_launch_argv(one, "smoke.nw", LaunchMode::mpirun,
                                           nwchem.path->string()),
                        tmp, mpi_environment(one, ::geteuid() == 0));
    nwchem.version = nwchem_version_from_output(text);
    if (text.find("Total SCF energy") == std::string::npos)
      nwchem.problem = "the NWChem smoke test (H2 SCF, 1 rank via mpirun) did not finish: " +
                       text.substr(text.size() > 400 ? text.size() - 400 : 0);
  }
  std::error_code ec;
  fs::remove_all(tmp, ec);

  // Data root.
  std::string data_problem;
  try {
    fs::create_directories(config.data_dir.value);
    auto probe = config.data_dir.value / (".doctor-" + std::to_string(::getpid()));
    queue::write_file_atomic(probe, "ok\n");
    fs::remove(probe);
  } catch (const std::exception& e) {
    data_problem = std::string("data root is not writable: ") + e.what() +
                   "; choose another with --data or QMNMR_DATA";
  }

  json plan_json;
  std::string plan_problem, plan_text;
  ShmVerdict shm;
  try {
    auto plan = plan_for(config, environment_map());
    plan_json = plan.to_json();
    plan_text = plan.to_text();
    if (!plan.ok) plan_problem = plan.refusal;
    shm = check_shm(config.shm_dir.value, plan.local_ranks());
    if (!shm.ok) plan_problem += (plan_problem.empty() ? "" : "; ") + shm.message;
  } catch (const std::exception& e) {
    plan_problem = e.what();
  }

  std::vector<std::string> missing;
  json tools_json = json::array();
  for (const auto& t : tools) {
    tools_json.push_back({{"name", t.name},
                          {"required", t.required},
                          {"path", t.path ? json(t.path->string()) : json()},
                          {"version", t.version},
                          {"problem", t.problem}});
    if (!t.problem.empty() && t.required) missing.push_back(t.problem + " -> " + t.install);
  }
  if (!data_problem.empty()) missing.push_back(data_problem);
  if (!plan_problem.empty()) missing.push_back(plan_problem);
  bool crest = tools[3].path.has_value();
  bool ok = missing.empty();
  if (as_json) {
    json j{{"ok", ok},
           {"tools", tools_json},
           {"conformer_engine", crest ? "crest" : "rdkit+xtb"},
           {"data_dir", config.data_dir.value.string()},
           {"plan", plan_json},
           {"shm", {{"ok", shm.ok},
                    {"ranks_allowed", shm.ranks_allowed},
                    {"free_bytes", shm.free_bytes},
                    {"needed_bytes", shm.needed_bytes},
                    {"stale_segments", shm.stale.size()},
                    {"message", shm.message}}},
           {"config", config.describe()},
           {"problems", missing}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "tools:\n";
    for (const auto& t : tools)
      std::cout << "  " << t.name << ": "
                << (t.path ? t.path->string() + (t.version.empty() ? "" : " (" + t.version + ")")
                           : std::string("missing"))
                << (t.problem.empty() || !t.path ? "" : "  PROBLEM: " + t.problem) << "\n";
    std::cout << "conformer engine: " << (crest ? "crest" : "rdkit + xtb (crest not installed)")
              << "\ndata root: " << config.data_dir.value.string()
              << (data_problem.empty() ? " (writable)" : " (NOT writable)") << "\n\n"
              << plan_text << "\n/dev/shm: "
              << (shm.message.empty() ? std::string("room for the planned ranks") : shm.message)
              << (shm.stale.empty() ? "" : "; " + std::to_string(shm.stale.size()) +
                                               " stale segment(s) from crashed runs")
              << "\n\nconfiguration (value and origin):\n"
              << config.describe_text() << "\n";
    if (ok) std::cout << "ok: the pipeline can run here\n";
    else {
      std::cout << "NOT ready:\n";
      for (const auto& m : missing) std::cout << "  - " << m << "\n";
    }
  }
  return ok ? 0 : 1;
}

}  // namespace qmnmr::runner
