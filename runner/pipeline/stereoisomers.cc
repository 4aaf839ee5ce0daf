// run_stereoisomers: one sub-job per stereoisomer, then the summary.
#include "runner/pipeline/stereoisomers.h"

#include <chrono>
#include <ctime>

#include "chem/stereo.h"
#include "queue/atomic_file.h"
#include "queue/job_status.h"
#include "runner/pipeline/stage_context.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using nlohmann::json;

PipelineResult run_stereoisomers(const JobRequest& request,
                                 const std::vector<std::string>& isomers, const JobPaths& paths,
                                 StatusFile& status, ToolRunner& tools, const fs::path& cache_dir,
                                 const PipelineHooks& hooks) {
  auto log = tools.log();
  paths.create();
  log->info("{} stereoisomers (enantiomer pairs once): each is its own ensemble", isomers.size());
  status.doc()["stereoisomers"] = isomers;
  status.doc()["resource_plan"] = tools.context().plan.to_json();
  json summary = json::array();
  const auto parent_logs = tools.context().logs_dir;
  for (size_t k = 0; k < isomers.size(); ++k) {
    const std::string name = "isomer_" + std::to_string(k + 1);
    JobPaths sub{paths.root / "stereoisomers" / name};
    JobRequest r = request;
    r.molecule = {chem::MoleculeInput::Format::smiles, isomers[k], request.molecule.charge,
                  request.molecule.multiplicity,
                  (request.molecule.name.empty() ? std::string("molecule")
                                                 : request.molecule.name) +
                      " (" + name + ")"};
    r.stereoisomers = "one";
    sub.create();
    if (!fs::exists(sub.input())) queue::write_file_atomic(sub.input(), r.to_json().dump(2) + "\n");
    StatusFile sub_status(sub.status(),
                          queue::initial_status(name, r.to_json(),
                                                static_cast<double>(std::time(nullptr))));
    sub_status.doc()["tool_versions"] = status.doc().value("tool_versions", json::object());
    const std::string step = "stereoisomer_" + std::to_string(k + 1);
    const std::string label = "Stereoisomer " + std::to_string(k + 1) + " of " +
                              std::to_string(isomers.size()) + ": " + isomers[k];
    const auto started_at = iso_now();
    const auto t0 = std::chrono::steady_clock::now();
    status.begin_step(step, label);
    tools.set_logs_dir(sub.logs());
    auto result = run_pipeline(r, sub, sub_status, tools, cache_dir, hooks);
    tools.set_logs_dir(parent_logs);
    if (result == PipelineResult::interrupted) return result;
    const auto& d = sub_status.doc();
    json row{{"isomer", k + 1},
             {"smiles", isomers[k]},
             {"folder", sub.root.string()},
             {"status", d.value("status", "")}};
    if (result == PipelineResult::failed) {
      status.fail("stereoisomer " + std::to_string(k + 1) + " (" + isomers[k] +
                  ") failed: " + d.value("error_message", std::string("see its status.json")));
      return PipelineResult::failed;
    }
    status.end_step(step, label, started_at,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    row["h1_shifts"] = d["nmr_results"]["h1_shifts"];
    row["c13_shifts"] = d["nmr_results"]["c13_shifts"];
    row["shift_conversion"] = d["nmr_results"]["shift_conversion"];
    row["warnings"] = d.value("warnings", json::array());
    row["conformer_ensemble"] = d.value("conformer_ensemble", json::array());
    summary.push_back(row);
  }
  json results{{"stereoisomers", summary},
               {"note", "each stereoisomer (an enantiomer pair counted once) is its own ensemble "
                        "and shift set; diastereomers have different spectra"}};
  queue::write_file_atomic(paths.output() / "results.json", results.dump(2) + "\n");
  status.doc()["nmr_results"] = {{"stereoisomers", summary}};
  status.doc()["status"] = "complete";
  status.doc()["completed_at"] = iso_now();
  status.doc()["current_step"] = "complete";
  status.doc()["current_step_label"] = "Complete";
  status.save();
  return PipelineResult::complete;
}

}  // namespace qmnmr::runner
