// The bench accuracy command: run the compounds, then count and report.
#include "runner/modes/bench_accuracy.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "chem/calibration.h"
#include "chem/presets.h"
#include "chem/solvents.h"
#include "container/signals.h"
#include "queue/atomic_file.h"
#include "queue/json_limits.h"
#include "runner/bench/accuracy_report.h"
#include "runner/bench/compound_results.h"
#include "runner/bench/reference_set.h"
#include "runner/modes/app.h"
#include "runner/modes/bench_jobs.h"
#include "runner/pipeline/job_request.h"
#include "runner/pipeline/tool_versions.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

JobRequest compound_request(const bench::ReferenceCompound& c, const BenchAccuracyOptions& o,
                            const Config& config, const json& calibration) {
  JobRequest r;
  r.molecule.format = chem::MoleculeInput::Format::xyz;
  r.molecule.text = c.xyz;
  r.molecule.name = c.name;
  r.preset = o.preset.value_or(config.preset.value);
  r.solvent = o.solvent.value_or(config.solvent.value);
  r.geometry = o.geometry;
  r.conformers = o.geometry == "fixed" ? "single" : config.conformers.value;
  r.max_conformers = config.max_conformers.value;
  r.calibration = calibration;
  check_request_settings(r);
  return r;
}

}  // namespace

int cmd_bench_accuracy(const Config& config, const BenchAccuracyOptions& options) {
  auto set = bench::read_reference_set(options.set);
  auto compounds = bench::choose_compounds(set, options.compounds, options.limit);
  if (options.geometry != "fixed" && options.geometry != "optimise")
    throw std::invalid_argument("--geometry must be fixed or optimise, not '" + options.geometry + "'");
  const json calibration = options.calibration_file
                               ? read_calibration_file(*options.calibration_file)
                               : json(nullptr);
  const auto& preset = chem::find_preset(options.preset.value_or(config.preset.value));
  const auto& solvent = chem::find_solvent(options.solvent.value_or(config.solvent.value));
  // The default folder names everything that changes the jobs, so two kinds of run never meet.
  fs::path out = options.out_dir.empty()
                     ? fs::absolute("bench-accuracy-" + std::string(preset.name) + "-" +
                                    std::string(solvent.key) +
                                    (options.geometry == "optimise" ? "-optimise" : "") +
                                    (calibration.is_null() ? "" : "-calibrated"))
                     : fs::absolute(options.out_dir);
  // Every request is checked before anything runs.
  std::vector<JobRequest> requests;
  for (const auto& c : compounds) requests.push_back(compound_request(c, options, config, calibration));
  auto plan = plan_for(config, environment_map());
  plan.require_runnable();
  fs::create_directories(out);

  container::SignalMonitor signals;
  const size_t total = compounds.size();
  std::vector<BenchJob> jobs;
  for (size_t i = 0; i < total; ++i)
    jobs.push_back({compounds[i].id + " " + compounds[i].name, requests[i],
                    JobPaths{out / compounds[i].id},
                    {{"bench", {{"set", set.root.string()}, {"compound", compounds[i].id}}}}});
  const BenchRun run = run_bench_jobs(jobs, config, plan);
  size_t finished = 0, failed = 0;
  json compound_rows = json::array();
  for (size_t i = 0; i < total; ++i) {
    const auto& r = run.results[i];
    json row{{"id", compounds[i].id}, {"number", compounds[i].number},
             {"name", compounds[i].name}, {"folder", jobs[i].paths.root.string()},
             {"state", r.state}, {"seconds", r.seconds}};
    if (!r.error.empty()) row["error"] = r.error;
    finished += r.state == "complete" ? 1 : 0;
    failed += r.state == "failed" ? 1 : 0;
    compound_rows.push_back(row);
  }
  const bool interrupted = run.interrupted;
  const size_t ran = run.ran;
  const double ran_seconds = run.ran_seconds;

  // Count what finished.
  std::vector<bench::CompoundObservations> observed;
  for (size_t i = 0; i < total; ++i) {
    if (compound_rows[i].value("state", "") != "complete") continue;
    JobPaths paths{out / compounds[i].id};
    auto results = queue::read_json_file(paths.output() / "results.json");
    try {
      observed.push_back(bench::compound_observations(compounds[i], results));
    } catch (const std::exception& e) {
      compound_rows[i]["state"] = "failed";
      compound_rows[i]["error"] = e.what();
      ++failed;
    }
  }
  json method{{"preset", std::string(preset.name)},
              {"level", preset.level_label()},
              {"solvent", std::string(solvent.key)},
              {"geometry", options.geometry == "fixed"
                               ? "the set's geometries, fixed (shielding only)"
                               : "the whole pipeline from the set's geometries"},
              {"calibration", calibration.is_null() ? json("none (the preset's conversion)")
                                                    : calibration.value("name", json())}};
  json doc{{"set", {{"path", set.root.string()}, {"source", set.source},
                    {"conditions", set.conditions}, {"compounds", total}}},
           {"method", method},
           {"versions", tool_versions()},
           {"plan", plan.to_json()},
           {"compounds", compound_rows}};
  auto report = bench::accuracy_summary(observed);
  doc["atoms"] = report.atoms;
  doc["statistics"] = report.statistics;
  double sum_seconds = 0;
  for (const auto& r : compound_rows) sum_seconds += r.value("seconds", 0.0);
  doc["times"] = {{"compound_seconds_total", sum_seconds},
                  {"this_run_seconds", ran_seconds},
                  {"compounds_run_now", ran}};
  bench::write_accuracy_outputs(out, doc);
  std::printf("\n%s\n", bench::accuracy_markdown(doc).c_str());
  std::printf("%zu of %zu compounds complete; report: %s\n", finished, total,
              (out / "report.html").c_str());

  if (options.write_calibration) {
    auto cal = bench::calibration_from_bench(doc, fs::path(*options.write_calibration).filename());
    queue::write_file_atomic(*options.write_calibration, cal.to_json().dump(2) + "\n");
    std::printf("calibration written: %s\n", options.write_calibration->c_str());
  }
  if (interrupted) {
    std::fprintf(stderr, "qmnmr bench: interrupted; finished compounds are kept: run the same "
                         "command again to go on\n");
    return 130;
  }
  return failed > 0 ? 1 : 0;
}

}  // namespace qmnmr::runner
