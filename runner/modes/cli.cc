// The qmnmr subcommands: plan, doctor, health, run, the queue clients
// (submit, status, list, cancel, result), worker and serve. Parses with CLI11,
// loads the configuration once, and is the one place that turns an error
// into `qmnmr: error: ...` and a non-zero exit.
#include "runner/modes/cli.h"

#include <unistd.h>

#include <httplib.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>

#include "chem/error.h"
#include "chem/functionals.h"
#include "chem/presets.h"
#include "container/health.h"
#include "container/signals.h"
#include "queue/atomic_file.h"
#include "queue/error.h"
#include "queue/job_status.h"
#include "queue/json_limits.h"
#include "runner/modes/app.h"
#include "runner/modes/batch.h"
#include "runner/modes/bench_api.h"
#include "runner/modes/bench_accuracy.h"
#include "runner/modes/bench_levels.h"
#include "runner/modes/bench_queue.h"
#include "runner/modes/bench_scaling.h"
#include "runner/modes/bench_stages.h"
#include "runner/bench/reference_set.h"
#include "runner/modes/doctor.h"
#include "runner/pipeline/job_request.h"
#include "runner/modes/logging.h"
#include "runner/pipeline/pipeline.h"
#include "runner/modes/queue_commands.h"
#include "runner/pipeline/run_cache.h"
#include "runner/pipeline/stage_slots.h"
#include "runner/pipeline/tool_versions.h"
#include "runner/modes/serve.h"
#include "runner/modes/worker.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
namespace {

// Options shared by every subcommand, applied over the loaded config.
struct GlobalOptions {
  std::optional<std::string> config_file, data_dir, log_format, log_level, ranks, memory, slots;
};

void add_global_options(CLI::App& app, GlobalOptions& g) {
  app.add_option("--config", g.config_file, "config file (key = value lines); env QMNMR_CONFIG");
  app.add_option("--data", g.data_dir, "data root (default: QMNMR_DATA, else ./data)");
  app.add_option("--log-format", g.log_format, "text or json (QMNMR_LOG_FORMAT)");
  app.add_option("--log-level", g.log_level, "trace, debug, info, warn, error");
}

void add_resource_options(CLI::App& app, GlobalOptions& g) {
  app.add_option("--ranks", g.ranks, "NWChem MPI ranks (overrides the plan; QMNMR_RANKS)");
  app.add_option("--memory", g.memory, "memory budget, e.g. 3g (QMNMR_MEMORY)");
  app.add_option("--slots", g.slots,
                 "NWChem runs side by side in a stage; 1 runs them one after another with all "
                 "ranks (default: packed by the plan; QMNMR_SLOTS)");
}

Config load_config(const GlobalOptions& g, const std::map<std::string, std::string>& env) {
  std::optional<fs::path> file;
  if (g.config_file) file = *g.config_file;
  Config c = Config::load(env, file);
  if (g.data_dir) c.set("data_dir", *g.data_dir, Origin{"--data"});
  if (g.log_format) c.set("log_format", *g.log_format, Origin{"--log-format"});
  if (g.log_level) c.set("log_level", *g.log_level, Origin{"--log-level"});
  if (g.ranks) c.set("ranks", *g.ranks, Origin{"--ranks"});
  if (g.memory) c.set("memory", *g.memory, Origin{"--memory"});
  if (g.slots) c.set("slots", *g.slots, Origin{"--slots"});
  return c;
}

// The molecule options shared by run, submit and batch.
struct MoleculeOptions {
  std::optional<std::string> smiles, xyz_file, sdf_file, name, solvent, preset, conformers,
      stereoisomers, geometry, level, calibration_file;
  std::optional<int> charge, multiplicity, max_conformers;
  bool open_shell = false;
};

void add_molecule_options(CLI::App& app, MoleculeOptions& m) {
  auto* group = app.add_option_group("molecule", "exactly one of --smiles, --xyz, --sdf");
  group->add_option("--smiles", m.smiles, "the molecule as SMILES");
  group->add_option("--xyz", m.xyz_file, "the molecule as an XYZ file");
  group->add_option("--sdf", m.sdf_file, "the molecule as an SDF/MOL file");
  group->require_option(1);
  app.add_option("--name", m.name, "a name for the molecule (free text, kept out of inputs)");
  app.add_option("--charge", m.charge, "total charge (default: from the SMILES/SDF, else 0)");
  app.add_option("--multiplicity", m.multiplicity,
                 "spin multiplicity 2S+1 (default: from radical electrons)");
  app.add_option("--solvent", m.solvent, "chcl3, dmso, methanol, water, ..., vacuum");
  app.add_option("--preset", m.preset, "one of: " + chem::preset_names());
  app.add_option("--conformers", m.conformers, "single, rdkit or crest");
  app.add_option("--max-conformers", m.max_conformers, "most conformers that go to DFT");
  app.add_option("--stereoisomers", m.stereoisomers,
                 "one (default: refuse ambiguous stereo) or all (every stereoisomer, each its "
                 "own shift set)");
  app.add_option("--geometry", m.geometry,
                 "optimise (default), fixed: shieldings on the --xyz/--sdf geometry as given "
                 "(needs --conformers single), or xtb: on the GFN2-xTB minima, no DFT "
                 "optimisation");
  app.add_option("--level", m.level,
                 "the levels instead of the preset's: SHIELDING[//GEOMETRY], each "
                 "functional/basis (\"pbe0/def2-svp//b3lyp/6-31G*\"), or a shielding per "
                 "nucleus (\"1H:wp04/pcsseg-1;13C:pbe0/def2-svp\"); functionals: " +
                     chem::functional_keys());
  app.add_option("--calibration", m.calibration_file,
                 "a calibration file from qmnmr bench accuracy --write-calibration");
  app.add_flag("--open-shell", m.open_shell,
               "compute a radical or triplet (multiplicity > 1) anyway: shifts against TMS, "
               "with no regression and no uncertainty");
}

std::string read_input_file(const std::string& path, const char* what) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw std::invalid_argument(std::string(what) + " file '" + path +
                                "' does not exist or is not a file");
  return queue::read_file(path);
}

JobRequest make_request(const MoleculeOptions& m, const Config& config) {
  JobRequest r;
  if (m.smiles) {
    r.molecule.format = chem::MoleculeInput::Format::smiles;
    r.molecule.text = *m.smiles;
  } else if (m.xyz_file) {
    r.molecule.format = chem::MoleculeInput::Format::xyz;
    r.molecule.text = read_input_file(*m.xyz_file, "--xyz");
  } else if (m.sdf_file) {
    r.molecule.format = chem::MoleculeInput::Format::sdf;
    r.molecule.text = read_input_file(*m.sdf_file, "--sdf");
  }
  r.molecule.name = m.name.value_or("");
  r.molecule.charge = m.charge;
  r.molecule.multiplicity = m.multiplicity;
  r.solvent = m.solvent.value_or(config.solvent.value);
  r.preset = m.preset.value_or(config.preset.value);
  r.conformers = m.conformers.value_or(config.conformers.value);
  r.max_conformers = m.max_conformers.value_or(config.max_conformers.value);
  r.stereoisomers = m.stereoisomers.value_or("one");
  r.geometry = m.geometry.value_or("optimise");
  r.level = m.level.value_or("");
  r.calibration = calibration_for(m.calibration_file, config);
  r.open_shell = m.open_shell;
  check_request_settings(r);
  return r;
}

// ---- plan ---------------------------------------------------------------------

// How a stage's NWChem runs would be packed on this plan, for a few run counts
// of a 15-heavy-atom-sized molecule (30 atoms): each job records its own.
nlohmann::json packing_examples(const Config& config, const ResourcePlan& plan) {
  const auto model =
      ScalingModel::from_file(scaling_model_path(config.reference_cache()).string());
  nlohmann::json out = nlohmann::json::array();
  for (auto kind : {RunKind::optimisation, RunKind::shielding})
    for (int runs : {1, plan.ranks, 4 * plan.ranks}) {
      auto j = plan_slots(plan, kind, runs, 30, model, config.slots.value).to_json();
      j["atoms"] = 30;
      j["kind"] = kind == RunKind::optimisation ? "optimisation" : "shielding";
      out.push_back(j);
      if (plan.ranks == 1) break;
    }
  return out;
}

int cmd_plan(const Config& config, bool as_json) {
  auto env = environment_map();
  auto plan = plan_for(config, env);
  auto packing = packing_examples(config, plan);
  if (as_json) {
    auto j = plan.to_json();
    j["packing_examples"] = packing;
    j["config"] = config.describe();
    j["presets"] = nlohmann::json::array();
    for (const auto& p : chem::all_presets()) j["presets"].push_back(chem::preset_to_json(p));
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << plan.to_text()
              << "\npacking of a stage's independent NWChem runs (a 30-atom molecule; each job "
                 "records its own in status.json packing.<stage>):\n";
    for (const auto& p : packing)
      std::cout << "  " << p["runs"].get<int>() << " " << p["kind"].get<std::string>()
                << "(s): " << p["slots"].get<int>()
                << " slot(s) x " << p["ranks_per_slot"].get<int>() << " rank(s)\n    why: "
                << p["reasons"][0].get<std::string>() << "\n";
    std::cout << "\npresets (--preset; measured figures in the README, \"Levels of theory\"):\n";
    for (const auto& p : chem::all_presets())
      std::cout << "  " << p.name << ": " << p.level_label() << " - " << p.use
                << (p.figures.empty() ? "" : "\n    " + p.figures) << "\n";
    std::cout << "\nconfiguration (value and origin):\n" << config.describe_text();
  }
  return 0;  // informational: `qmnmr doctor` is the check that fails
}

// ---- run ------------------------------------------------------------------------

int cmd_run(const Config& config, const MoleculeOptions& m, const std::string& out_dir) {
  auto request = make_request(m, config);
  validate_request(request);  // a bad molecule fails before any folder or program exists
  JobPaths paths{fs::absolute(out_dir)};
  // A rerun into the same folder resumes, but only the same job.
  auto input = request.to_json();
  if (fs::exists(paths.input())) {
    auto previous = queue::read_json_file(paths.input());
    if (previous != input)
      throw std::invalid_argument("--out " + out_dir +
                                  " holds a different job (its input.json differs); choose a new "
                                  "--out folder, or delete this one to start over");
  }
  auto plan = plan_for(config, environment_map());
  plan.require_runnable();
  paths.create();
  queue::write_file_atomic(paths.input(), input.dump(2) + "\n");
  StatusFile status(paths.status(),
                    queue::initial_status(paths.root.filename().string(), input,
                                          static_cast<double>(std::time(nullptr))));
  status.save();

  // A resumed job keeps the NWChem version its runs reported (it keys the TMS reference).
  status.doc()["tool_versions"] =
      job_tool_versions(tool_versions(), status.doc().value("tool_versions", nlohmann::json()));
  container::SignalMonitor signals;
  ToolContext tc = job_tool_context(config, plan, paths);
  tc.should_stop = [] { return container::SignalMonitor::stop_requested(); };
  ProcessToolRunner tools(tc);
  auto result = run_pipeline(request, paths, status, tools, config.reference_cache());
  switch (result) {
    case PipelineResult::complete:
      std::cout << format_results_table(status.doc()) << "results: " << paths.output().string()
                << "\n";
      return 0;
    case PipelineResult::interrupted:
      std::fprintf(stderr,
                   "qmnmr: interrupted; finished stages are kept: run the same command again to "
                   "resume\n");
      return 130;
    case PipelineResult::failed:
      std::fprintf(stderr, "qmnmr: error: %s\n(status: %s, logs: %s)\n",
                   status.doc().value("error_message", std::string("failed")).c_str(),
                   paths.status().c_str(), paths.logs().c_str());
      return 1;
  }
  return 1;
}

// `qmnmr health --url`: the image has no curl; this is the api service's health check.
int check_url(const std::string& url) {
  const auto scheme_end = url.find("://");
  const auto path_start = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  if (url.rfind("http://", 0) != 0)
    throw std::invalid_argument("--url '" + url + "' is not an http:// URL");
  httplib::Client client(url.substr(0, path_start));
  client.set_connection_timeout(5);
  client.set_read_timeout(10);
  auto res = client.Get(path_start == std::string::npos ? "/" : url.substr(path_start));
  if (!res) {
    std::printf("unhealthy: %s: %s\n", url.c_str(), httplib::to_string(res.error()).c_str());
    return 1;
  }
  std::printf("%s: %s answered %d\n", res->status == 200 ? "healthy" : "unhealthy", url.c_str(),
              res->status);
  return res->status == 200 ? 0 : 1;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"qmnmr: 1H and 13C NMR chemical shifts from quantum chemistry "
               "(CREST -> xTB -> NWChem)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "qmnmr " QMNMR_VERSION);
  GlobalOptions g;

  auto* plan = app.add_subcommand("plan", "show the resource plan: CPUs, memory, ranks, threads");
  bool plan_json = false;
  plan->add_flag("--json", plan_json, "print JSON");
  add_global_options(*plan, g);
  add_resource_options(*plan, g);

  auto* doctor = app.add_subcommand("doctor", "check the tools, the data root and the plan");
  bool doctor_json = false;
  doctor->add_flag("--json", doctor_json, "print JSON");
  add_global_options(*doctor, g);
  add_resource_options(*doctor, g);

  auto* cache = app.add_subcommand("cache", "the data root's cache of finished NWChem runs");
  cache->require_subcommand(1);
  auto* prune = cache->add_subcommand("prune", "remove cached runs not used for some days");
  double prune_days = 30;
  prune->add_option("--older-than", prune_days, "days since last use (default 30; 0: all)")
      ->check(CLI::NonNegativeNumber);
  add_global_options(*prune, g);

  auto* health = app.add_subcommand("health", "exit 0 only when a worker's heartbeat is fresh");
  double max_age = 30;
  std::optional<std::string> health_worker;
  health->add_option("--max-age", max_age, "seconds a heartbeat may be old (default 30)")
      ->check(CLI::PositiveNumber);
  health->add_option("--worker", health_worker, "worker id (default: this host's newest)");
  std::optional<std::string> health_url;
  health->add_option("--url", health_url,
                     "instead: exit 0 only when this URL answers 200 (qmnmr serve's /health)");
  add_global_options(*health, g);

  auto* serve = app.add_subcommand("serve", "the HTTP API and web page over the data root's queue");
  ServeOptions so;
  serve->add_option("--listen", so.listen, "HOST:PORT (default 127.0.0.1:8000; port 0: any free)");
  serve->add_option("--max-body", so.max_body_mb, "largest request body in MB (default 4)")
      ->check(CLI::PositiveNumber);
  serve->add_option("--worker-max-age", so.worker_max_age,
                    "seconds a worker heartbeat may be old for /health/ready (default 60)")
      ->check(CLI::PositiveNumber);
  add_global_options(*serve, g);

  auto* run = app.add_subcommand("run", "run one job in the foreground into a folder");
  MoleculeOptions run_mol;
  std::string run_out;
  add_molecule_options(*run, run_mol);
  run->add_option("--out", run_out, "the job folder (rerun into it to resume)")->required();
  add_global_options(*run, g);
  add_resource_options(*run, g);

  QueueCommandOptions q;
  MoleculeOptions submit_mol;
  auto* submit = app.add_subcommand("submit", "queue a job; prints its id");
  add_molecule_options(*submit, submit_mol);
  submit->add_option("--priority", q.priority, "higher runs first (default 0)");
  submit->add_flag("--json", q.json, "print JSON");
  add_global_options(*submit, g);

  auto* status = app.add_subcommand("status", "a job's status");
  status->add_option("id", q.id, "job id")->required();
  status->add_flag("--json", q.json, "print status.json");
  add_global_options(*status, g);

  auto* list = app.add_subcommand("list", "list jobs");
  list->add_option("--state", q.state, "queued, running, complete, failed or cancelled");
  list->add_flag("--json", q.json, "print JSON");
  add_global_options(*list, g);

  auto* cancel = app.add_subcommand("cancel", "cancel a queued or running job");
  cancel->add_option("id", q.id, "job id")->required();
  add_global_options(*cancel, g);

  auto* result = app.add_subcommand("result", "a finished job's shifts");
  result->add_option("id", q.id, "job id")->required();
  auto* rj = result->add_flag("--json", q.json, "print results.json");
  result->add_flag("--csv", q.csv, "print shifts.csv")->excludes(rj);
  add_global_options(*result, g);

  auto* backup = app.add_subcommand(
      "backup", "copy the data root (queue, job folders, caches) into a new folder while workers run");
  std::string backup_dir;
  backup->add_option("dir", backup_dir, "a new or empty folder")->required();
  add_global_options(*backup, g);
  auto* restore = app.add_subcommand(
      "restore", "make a backup into the data root (--data: new, or without a queue)");
  std::string restore_dir;
  restore->add_option("dir", restore_dir, "the folder qmnmr backup wrote")->required();
  add_global_options(*restore, g);

  auto* worker = app.add_subcommand("worker", "serve jobs from the queue (container entrypoint)");
  WorkerOptions w;
  std::optional<double> drain;
  worker->add_flag("--once", w.once, "exit when the queue is empty");
  worker->add_option("--max-jobs", w.max_jobs, "exit after this many jobs")
      ->check(CLI::PositiveNumber);
  worker->add_option("--drain-seconds", drain, "on SIGINT, time the running step may finish");
  worker->add_option("--worker-id", w.worker_id, "worker id (default <hostname>-<pid>)");
  worker->add_flag("--force-network-fs", w.force_network_fs,
                   "allow a data root on a network file system (one host only)");
  add_global_options(*worker, g);
  add_resource_options(*worker, g);

  auto* batch = app.add_subcommand(
      "batch", "run the entries of a CSV (id,smiles,...) or .smi file, one job folder each");
  BatchOptions b;
  std::string batch_file, batch_out;
  batch->add_option("file", batch_file, "CSV (id,smiles[,name,charge,multiplicity,solvent]) "
                                        "or .smi file")->required();
  batch->add_option("--out", batch_out, "folder holding one job folder per entry")->required();
  auto* batch_all = batch->add_flag("--all", b.all, "run every entry in turn");
  batch->add_option("--task", b.task, "run entry N (1-based; default SLURM_ARRAY_TASK_ID)")
      ->excludes(batch_all);
  batch->add_option("--solvent", b.solvent, "default solvent (an entry's own column wins)");
  batch->add_option("--preset", b.preset, "one of: " + chem::preset_names());
  batch->add_option("--conformers", b.conformers, "single, rdkit or crest");
  batch->add_option("--max-conformers", b.max_conformers, "most conformers that go to DFT");
  std::optional<std::string> batch_calibration;
  batch->add_option("--calibration", batch_calibration,
                    "a calibration file from qmnmr bench accuracy --write-calibration");
  add_global_options(*batch, g);
  add_resource_options(*batch, g);

  auto* collect = app.add_subcommand("collect", "one table of a batch folder's states and shifts");
  std::string collect_dir;
  bool collect_csv = false, collect_json = false;
  collect->add_option("dir", collect_dir, "the --out folder of qmnmr batch")->required();
  auto* cc = collect->add_flag("--csv", collect_csv, "one CSV row per shift");
  collect->add_flag("--json", collect_json, "print JSON")->excludes(cc);
  add_global_options(*collect, g);

  auto* bench = app.add_subcommand("bench", "benchmarks: accuracy against experiment, scaling, "
                                             "stage times, queue and api throughput");
  bench->require_subcommand(1);
  auto* accuracy = bench->add_subcommand(
      "accuracy", "shifts of a benchmark set (DELTA50 layout) against experiment, with "
                  "statistics, plots and report.html");
  BenchAccuracyOptions ba;
  std::string ba_set, ba_out;
  std::optional<std::string> ba_compounds;
  accuracy->add_option("set", ba_set, "folder with molecules/compound_NN.xyz and "
                                      "experimental_shifts.json")->required();
  accuracy->add_option("--preset", ba.preset, "one of: " + chem::preset_names());
  accuracy->add_option("--solvent", ba.solvent, "the solvent of the shieldings (default chcl3)");
  accuracy->add_option("--out", ba_out, "output folder, one job folder per compound (default "
                                        "bench-accuracy-<preset>-<solvent>); rerun to resume");
  auto* ba_list = accuracy->add_option("--compounds", ba_compounds, "compound numbers, e.g. 1,5,9 or 1-10");
  accuracy->add_option("--limit", ba.limit, "the first N compounds")->excludes(ba_list);
  accuracy->add_option("--geometry", ba.geometry,
                       "fixed (default: shieldings on the set's geometries) or optimise (the "
                       "whole pipeline)");
  accuracy->add_option("--calibration", ba.calibration_file,
                       "convert shieldings with this calibration (to test it on a set)");
  accuracy->add_option("--write-calibration", ba.write_calibration,
                       "write the lines fitted on this set to FILE (for --calibration)");
  add_global_options(*accuracy, g);
  add_resource_options(*accuracy, g);

  auto* levels = bench->add_subcommand(
      "levels", "levels of theory by measurement: every shielding level of a list on the "
                "set's geometries (and re-optimised or xTB ones): accuracy per nucleus against "
                "CPU time, Pareto plots, a calibration per level");
  BenchLevelsOptions bl;
  std::string bl_set, bl_out, bl_levels, bl_geometries = "set";
  std::optional<std::string> bl_compounds;
  levels->add_option("set", bl_set, "folder with molecules/compound_NN.xyz and "
                                    "experimental_shifts.json")->required();
  levels->add_option("--levels", bl_levels,
                     "shielding levels as functional/basis words (\"b3lyp/def2-svp "
                     "pbe0/pcsseg-1\"), or a file of them; functionals: " +
                         chem::functional_keys())->required();
  levels->add_option("--geometries", bl_geometries,
                     "geometries to compute the levels on, comma-separated: set (the set's "
                     "own, default), b3lyp/6-31G* (re-optimised with COSMO), gfn2-xtb");
  levels->add_option("--solvent", bl.solvent, "the solvent of the shieldings (default chcl3)");
  levels->add_option("--preset", bl.preset,
                     "whose grids and optimiser criteria the levels keep (default production; "
                     "test for plumbing)");
  levels->add_option("--out", bl_out, "output folder, one folder per level with a job folder "
                                      "per compound (default bench-levels-<solvent>); rerun to "
                                      "resume");
  auto* bl_list = levels->add_option("--compounds", bl_compounds,
                                     "compound numbers, e.g. 1,5,9 or 1-10");
  levels->add_option("--limit", bl.limit, "the first N compounds")->excludes(bl_list);
  levels->add_option("--reference", bl.reference,
                     "the level the others are compared with, paired over the compounds "
                     "(default production's shielding level, when listed)");
  levels->add_flag("--report-only", bl.report_only,
                   "count and report what has finished; run nothing");
  add_global_options(*levels, g);
  add_resource_options(*levels, g);

  auto* scaling = bench->add_subcommand(
      "scaling", "one optimisation and one shielding at each MPI rank count: time, speed-up, "
                 "efficiency, peak memory per rank");
  BenchScalingOptions bs;
  std::string bs_out, bs_ranks;
  auto* bs_group = scaling->add_option_group("molecule", "at most one of --smiles, --xyz (default ethanol)");
  bs_group->add_option("--smiles", bs.smiles, "the molecule as SMILES");
  bs_group->add_option("--xyz", bs.xyz_file, "the molecule as an XYZ file");
  bs_group->require_option(0, 1);
  scaling->add_option("--preset", bs.preset, "one of: " + chem::preset_names());
  scaling->add_option("--solvent", bs.solvent, "chcl3, dmso, ..., vacuum");
  scaling->add_option("--ranks", bs_ranks, "rank counts, e.g. 1,2,4 (default 1, 2, 4, ... up "
                                           "to the plan's pick)");
  scaling->add_flag("--shielding-only", bs.shielding_only, "skip the optimisation");
  scaling->add_option("--out", bs_out, "output folder (default bench-scaling-<preset>); rerun "
                                       "to resume");
  add_global_options(*scaling, g);
  scaling->add_option("--memory", g.memory, "memory budget, e.g. 3g (QMNMR_MEMORY)");

  auto* stages = bench->add_subcommand(
      "stages", "per-stage wall time over the finished jobs of a data root, batch or bench folder");
  std::string stages_dir;
  bool stages_json = false;
  stages->add_option("dir", stages_dir, "data root, batch/bench folder or job folder")->required();
  stages->add_flag("--json", stages_json, "print JSON");
  add_global_options(*stages, g);

  auto* queue_bench = bench->add_subcommand(
      "queue", "queue throughput: claim + complete of empty jobs by 1 and by several processes");
  BenchQueueOptions bq;
  std::string bq_processes = "1,4", bq_dir;
  queue_bench->add_option("--jobs", bq.jobs, "empty jobs (default 2000)");
  queue_bench->add_option("--processes", bq_processes, "process counts (default 1,4)");
  queue_bench->add_option("--dir", bq_dir, "folder for queue.db (default: a temporary one)");
  queue_bench->add_flag("--json", bq.json, "print JSON");
  add_global_options(*queue_bench, g);

  auto* api_bench = bench->add_subcommand(
      "api", "qmnmr serve's throughput: submits/s and GET /api/v1/jobs/{id} requests/s from "
             "several clients, and the server's resident memory");
  BenchApiOptions bapi;
  std::string bapi_dir;
  api_bench->add_option("--clients", bapi.clients, "concurrent clients (default 4)")
      ->check(CLI::PositiveNumber);
  api_bench->add_option("--seconds", bapi.seconds, "seconds per phase (default 5)")
      ->check(CLI::PositiveNumber);
  api_bench->add_option("--dir", bapi_dir, "folder for the data root (default: a temporary one)");
  api_bench->add_flag("--json", bapi.json, "print JSON");
  add_global_options(*api_bench, g);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::fprintf(stderr, "qmnmr: error: %s\n(see qmnmr --help, or qmnmr <command> --help)\n",
                 e.what());
    return e.get_exit_code();
  }
  try {
    auto env = environment_map();
    Config config = load_config(g, env);
    if (drain) config.set("drain_seconds", std::to_string(*drain), Origin{"--drain-seconds"});
    setup_logging(config.log_format.value, config.log_level.value);
    if (plan->parsed()) return cmd_plan(config, plan_json);
    if (doctor->parsed()) return run_doctor(config, doctor_json);
    if (prune->parsed()) {
      const auto dir = config.run_cache_dir();
      auto r = prune_run_cache(dir, std::chrono::seconds(static_cast<long long>(prune_days * 86400)));
      std::printf("%s: removed %d cached run(s) (%.1f MB), kept %d (%.1f MB)\n", dir.c_str(),
                  r.removed, r.bytes_removed / 1e6, r.kept, r.bytes_kept / 1e6);
      return 0;
    }
    if (health->parsed() && health_url) return check_url(*health_url);
    if (serve->parsed()) return cmd_serve(config, so);
    if (health->parsed()) {
      auto h = container::check_health(config.data_dir.value, health_worker,
                                       std::chrono::seconds(static_cast<long>(max_age)));
      std::printf("%s: %s\n", h.healthy ? "healthy" : "unhealthy", h.reason.c_str());
      return h.healthy ? 0 : 1;
    }
    if (run->parsed()) return cmd_run(config, run_mol, run_out);
    if (submit->parsed()) return cmd_submit(config, make_request(submit_mol, config), q);
    if (status->parsed()) return cmd_status(config, q);
    if (list->parsed()) return cmd_list(config, q);
    if (cancel->parsed()) return cmd_cancel(config, q);
    if (result->parsed()) return cmd_result(config, q);
    if (backup->parsed()) return cmd_backup(config, backup_dir);
    if (restore->parsed()) return cmd_restore(config, restore_dir);
    if (worker->parsed()) return run_worker(config, w);
    if (batch->parsed()) {
      b.file = batch_file;
      b.out_dir = fs::absolute(batch_out);
      b.calibration = calibration_for(batch_calibration, config);
      return cmd_batch(config, b);
    }
    if (collect->parsed()) return cmd_collect(collect_dir, collect_csv, collect_json);
    if (accuracy->parsed()) {
      ba.set = ba_set;
      ba.out_dir = ba_out;
      if (ba_compounds) ba.compounds = bench::parse_number_list(*ba_compounds, "--compounds");
      return cmd_bench_accuracy(config, ba);
    }
    if (levels->parsed()) {
      bl.set = bl_set;
      bl.out_dir = bl_out;
      bl.levels = parse_levels_option(bl_levels);
      bl.geometries.clear();
      std::stringstream gs(bl_geometries);
      for (std::string item; std::getline(gs, item, ',');)
        if (!item.empty()) bl.geometries.push_back(item);
      if (bl_compounds) bl.compounds = bench::parse_number_list(*bl_compounds, "--compounds");
      for (int i = 0; i < argc; ++i) bl.command += (i ? " " : "") + std::string(argv[i]);
      return cmd_bench_levels(config, bl);
    }
    if (scaling->parsed()) {
      bs.out_dir = bs_out;
      if (!bs_ranks.empty()) bs.ranks = bench::parse_number_list(bs_ranks, "--ranks");
      return cmd_bench_scaling(config, bs);
    }
    if (stages->parsed()) return cmd_bench_stages(stages_dir, stages_json);
    if (api_bench->parsed()) {
      bapi.dir = bapi_dir;
      return cmd_bench_api(bapi);
    }
    if (queue_bench->parsed()) {
      bq.processes = bench::parse_number_list(bq_processes, "--processes");
      bq.dir = bq_dir;
      return cmd_bench_queue(bq);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qmnmr: error: %s\n", e.what());
    return 1;
  }
  return 1;
}

}  // namespace qmnmr::runner
