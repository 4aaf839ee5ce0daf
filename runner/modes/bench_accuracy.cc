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
#include "runner/modes/job_folder.h"
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

// Seconds the job's stages took (its status.json), over every session.
double job_seconds(const JobPaths& paths) {
  if (!fs::exists(paths.status())) return 0;
  auto doc = queue::read_json_file(paths.status());
  double total = 0;
  for (const auto& s : doc.value("steps_completed", json::array()))
    total += s.value("duration_seconds", 0.0);
  return total;
}

std::string minutes_text(double seconds) {
  char buf[32];
  if (seconds < 90) std::snprintf(buf, sizeof buf, "%.0f s", seconds);
  else std::snprintf(buf, sizeof buf, "%.1f min", seconds / 60);
  return buf;
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
  std::vector<bool> done_before;  // finished by an earlier run: counted, and no ETA share
  for (size_t i = 0; i < total; ++i)
    done_before.push_back(folder_complete(JobPaths{out / compounds[i].id}, requests[i].to_json()));
  size_t finished = 0, failed = 0, ran = 0;
  double ran_seconds = 0;
  json compound_rows = json::array();
  bool interrupted = false;
  for (size_t i = 0; i < total; ++i) {
    const auto& c = compounds[i];
    JobPaths paths{out / c.id};
    json row{{"id", c.id}, {"number", c.number}, {"name", c.name}, {"folder", paths.root.string()}};
    if (interrupted || container::SignalMonitor::stop_requested()) {
      interrupted = true;
      row["state"] = done_before[i] ? "complete" : "not run";
      if (done_before[i]) ++finished;
      row["seconds"] = job_seconds(paths);
      compound_rows.push_back(row);
      continue;
    }
    std::string message;
    auto started = std::chrono::steady_clock::now();
    FolderOutcome outcome;
    try {
      outcome = run_in_folder(requests[i], paths, config, plan,
                              {{"bench", {{"set", set.root.string()}, {"compound", c.id}}}}, message);
    } catch (const std::exception& e) {
      outcome = FolderOutcome::failed;
      message = e.what();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string what;
    switch (outcome) {
      case FolderOutcome::complete:
        ++ran;
        ran_seconds += seconds;
        ++finished;
        what = "complete in " + minutes_text(seconds);
        row["state"] = "complete";
        break;
      case FolderOutcome::skipped:
        ++finished;
        what = "complete already (skipped)";
        row["state"] = "complete";
        break;
      case FolderOutcome::failed:
        ++failed;
        what = "FAILED: " + message;
        row["state"] = "failed";
        row["error"] = message;
        break;
      case FolderOutcome::interrupted:
        interrupted = true;
        what = "interrupted; its finished stages are kept";
        row["state"] = "interrupted";
        break;
    }
    row["seconds"] = job_seconds(paths);
    compound_rows.push_back(row);
    size_t left = 0;
    for (size_t j = i + 1; j < total; ++j) left += done_before[j] ? 0 : 1;
    std::string eta = ran > 0 && left > 0
                          ? "; ETA " + minutes_text(ran_seconds / static_cast<double>(ran) *
                                                    static_cast<double>(left))
                          : "";
    std::printf("[%zu/%zu] %s %s: %s%s\n", i + 1, total, c.id.c_str(), c.name.c_str(),
                what.c_str(), eta.c_str());
    std::fflush(stdout);
  }

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
