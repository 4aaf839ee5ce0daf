// The bench scaling command: the same two NWChem runs at each rank count.
#include "runner/modes/bench_scaling.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "chem/basis_library.h"
#include "chem/nwchem_output.h"
#include "chem/text_lines.h"
#include "container/signals.h"
#include "queue/atomic_file.h"
#include "queue/json_limits.h"
#include "runner/bench/scatter_svg.h"
#include "runner/modes/app.h"
#include "runner/pipeline/job_spec.h"
#include "runner/pipeline/nwchem_run.h"
#include "runner/pipeline/pipeline.h"
#include "runner/pipeline/program_text.h"
#include "runner/pipeline/stage_context.h"
#include "runner/pipeline/stage_slots.h"
#include "runner/pipeline/tool_versions.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Interrupted {};

// One NWChem run at `ranks`: {seconds, steps, peak_rss_mb, ok, ...}.
json measure(StageContext& ctx, chem::NwchemTask task, const fs::path& dir, int ranks) {
  auto input = nwchem_input_for(ctx, ctx.molecule, ctx.molecule.geometry, task, dir);
  const auto path = dir / "nwchem.nw";
  queue::write_file_atomic(path, chem::write_nwchem_input(input));
  const std::string name = task == chem::NwchemTask::optimize ? "optimisation" : "shielding";
  auto run = ctx.tools.run_nwchem("scaling_" + name, path, ranks);
  if (run.outcome.kind == container::Outcome::Kind::stopped) throw Interrupted{};
  auto out = chem::parse_nwchem_output(read_text(run.stdout_path), read_text(run.stderr_path));
  json r{{"seconds", run.outcome.seconds},
         {"ranks", run.ranks},
         {"peak_rss_mb_largest_rank", static_cast<double>(run.outcome.peak_rss_kb) / 1024.0},
         {"log", run.stdout_path.string()}};
  if (task == chem::NwchemTask::optimize) {
    r["steps"] = out.optimization_steps;
    if (out.optimization_steps > 0) r["seconds_per_step"] = run.outcome.seconds / out.optimization_steps;
  }
  const bool usable = run.ok() && (task == chem::NwchemTask::optimize ? out.final_geometry.has_value()
                                                                       : !out.shieldings.empty());
  r["ok"] = usable;
  if (!usable)
    r["error"] = name + " at " + std::to_string(ranks) + " ranks: " + run.outcome.describe() +
                 "; NWChem said: " + program_said(run) + " (log " + run.stdout_path.string() + ")";
  return r;
}

std::vector<int> default_ranks(int pick) {
  std::set<int> r{pick};
  for (int n = 1; n <= pick; n *= 2) r.insert(n);
  return {r.begin(), r.end()};
}

std::string fmt(double v, int digits) { return chem::fixed_digits(v, digits); }

// Speed-up and efficiency of `key` ("optimisation"/"shielding") against the fewest ranks.
void add_speedups(json& rows, const std::string& key) {
  const json* base = nullptr;
  for (const auto& row : rows)
    if (row.contains(key) && row[key].value("ok", false)) {
      base = &row;
      break;
    }
  if (!base) return;
  // Per step for optimisations (the step count can differ between rank counts).
  const char* figure = key == "optimisation" ? "seconds_per_step" : "seconds";
  if (!(*base)[key].contains(figure)) return;
  const double t0 = (*base)[key][figure].get<double>();
  const int r0 = (*base)["ranks"].get<int>();
  for (auto& row : rows) {
    if (!row.contains(key) || !row[key].value("ok", false) || !row[key].contains(figure)) continue;
    const double s = t0 / row[key][figure].get<double>();
    row[key]["speedup"] = s;
    row[key]["efficiency"] = s * r0 / row["ranks"].get<int>();
  }
}

}  // namespace

int cmd_bench_scaling(const Config& config, const BenchScalingOptions& o) {
  JobRequest request;
  if (o.smiles) {
    request.molecule.text = *o.smiles;
  } else if (o.xyz_file) {
    if (!fs::is_regular_file(*o.xyz_file))
      throw std::invalid_argument("--xyz file '" + *o.xyz_file + "' does not exist");
    request.molecule.format = chem::MoleculeInput::Format::xyz;
    request.molecule.text = queue::read_file(*o.xyz_file);
  } else {
    request.molecule.text = "CCO";
    request.molecule.name = "ethanol";
  }
  request.preset = o.preset.value_or(config.preset.value);
  request.solvent = o.solvent.value_or(config.solvent.value);
  request.conformers = "single";
  check_request_settings(request);
  const JobSpec spec = resolve_job(request);
  chem::Molecule molecule = load_request_molecule(request);

  auto base_plan = plan_for(config, environment_map());
  base_plan.require_runnable();
  const int pick = base_plan.ranks;
  std::vector<int> ranks = o.ranks.empty() ? default_ranks(pick) : o.ranks;
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  for (int r : ranks)
    if (r < 1 || r > base_plan.cpus)
      throw std::invalid_argument("--ranks " + std::to_string(r) + " is outside what this process "
                                  "may use (1-" + std::to_string(base_plan.cpus) +
                                  " CPUs; see qmnmr plan)");
  const fs::path out = fs::absolute(o.out_dir.empty()
                                        ? fs::path("bench-scaling-" + std::string(spec.preset.name))
                                        : o.out_dir);
  fs::create_directories(out);
  auto dir_lib = chem::default_basis_library_dir();
  auto gb = chem::choose_basis(dir_lib, spec.preset.geometry.basis, molecule.symbols,
                               spec.preset.geometry.element_basis);
  auto sb = chem::choose_basis(dir_lib, spec.preset.shielding.basis, molecule.symbols,
                               spec.preset.shielding.element_basis);

  container::SignalMonitor signals;
  json rows = json::array();
  int failed = 0;
  bool interrupted = false;
  for (int r : ranks) {
    const fs::path dir = out / ("ranks_" + std::to_string(r));
    const fs::path record = dir / "result.json";
    const json key{{"input", request.to_json()}, {"shielding_only", o.shielding_only}};
    if (fs::exists(record)) {
      auto done = queue::read_json_file(record);
      if (done.value("key", json()) == key) {
        rows.push_back(done["row"]);
        std::printf("%d ranks: measured before (skipped)\n", r);
        continue;
      }
    }
    Config c = config;
    c.set("ranks", std::to_string(r), Origin{"qmnmr bench scaling"});
    auto plan = plan_for(c, environment_map());
    plan.require_runnable();
    JobPaths paths{dir};
    fs::remove_all(dir);
    paths.create();
    StatusFile status(paths.status(), json::object());
    ToolContext tc = job_tool_context(c, plan, paths);
    tc.run_cache_dir.clear();  // every rank count really runs
    tc.should_stop = [] { return container::SignalMonitor::stop_requested(); };
    ProcessToolRunner tools(tc);
    StageContext ctx{spec, paths, status, tools, config.reference_cache(), molecule, {},
                     tools.log(), gb, sb, {}};
    json row{{"ranks", r}, {"nwchem_memory_mb_per_rank", plan.nwchem_memory_mb_per_rank}};
    try {
      if (!o.shielding_only)
        row["optimisation"] = measure(ctx, chem::NwchemTask::optimize, dir / "optimisation", r);
      row["shielding"] = measure(ctx, chem::NwchemTask::shielding, dir / "shielding", r);
    } catch (const Interrupted&) {
      interrupted = true;
      break;
    }
    std::string line = std::to_string(r) + " ranks:";
    for (const char* k : {"optimisation", "shielding"}) {
      if (!row.contains(k)) continue;
      const auto& m = row[k];
      if (!m["ok"].get<bool>()) {
        ++failed;
        std::fprintf(stderr, "qmnmr bench scaling: %s\n", m["error"].get<std::string>().c_str());
      }
      line += std::string(" ") + k + " " + fmt(m["seconds"], 1) + " s" +
              (m.contains("steps") ? " (" + std::to_string(m["steps"].get<int>()) + " steps)" : "") +
              ", peak " + fmt(m["peak_rss_mb_largest_rank"], 0) + " MB/rank;";
    }
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
    queue::write_file_atomic(record, json{{"key", key}, {"row", row}}.dump(1) + "\n");
    rows.push_back(row);
  }
  add_speedups(rows, "optimisation");
  add_speedups(rows, "shielding");

  // Table, JSON, plot.
  std::printf("\n%s at %s, %s (%zu atoms); the plan here picks %d ranks\n",
              molecule.name.empty() ? molecule.canonical_smiles.c_str() : molecule.name.c_str(),
              spec.preset.level_label().c_str(), std::string(spec.solvent->key).c_str(),
              molecule.atom_count(), pick);
  std::printf("| ranks | optimisation s (steps) | s/step | speed-up | efficiency | shielding s | "
              "speed-up | efficiency | peak MB, largest rank |\n|---|---|---|---|---|---|---|---|---|\n");
  bench::ScatterPlot plot;
  plot.title = "Speed-up with NWChem MPI ranks (" + std::string(spec.preset.name) + ")";
  plot.x_label = "MPI ranks";
  plot.y_label = "speed-up against " + std::to_string(rows.empty() ? 1 : rows[0]["ranks"].get<int>()) +
                 " rank(s)";
  bench::ScatterSeries opt{"optimisation (per step)", "#c0392b", {}},
      shi{"shielding", "#1f5fbf", {}};
  for (const auto& row : rows) {
    auto cell = [&](const char* k, const char* f, int d) {
      return row.contains(k) && row[k].contains(f) ? fmt(row[k][f], d) : std::string("-");
    };
    double peak = 0;
    for (const char* k : {"optimisation", "shielding"})
      if (row.contains(k)) peak = std::max(peak, row[k]["peak_rss_mb_largest_rank"].get<double>());
    std::printf("| %d | %s (%s) | %s | %s | %s | %s | %s | %s | %.0f |\n", row["ranks"].get<int>(),
                cell("optimisation", "seconds", 1).c_str(), cell("optimisation", "steps", 0).c_str(),
                cell("optimisation", "seconds_per_step", 2).c_str(),
                cell("optimisation", "speedup", 2).c_str(),
                cell("optimisation", "efficiency", 2).c_str(), cell("shielding", "seconds", 1).c_str(),
                cell("shielding", "speedup", 2).c_str(), cell("shielding", "efficiency", 2).c_str(),
                peak);
    const double r = row["ranks"].get<int>();
    if (row.contains("optimisation") && row["optimisation"].contains("speedup"))
      opt.points.push_back({r, row["optimisation"]["speedup"], ""});
    if (row.contains("shielding") && row["shielding"].contains("speedup"))
      shi.points.push_back({r, row["shielding"]["speedup"], ""});
  }
  plot.series = {opt, shi};
  if (!rows.empty()) {
    const double r0 = rows[0]["ranks"].get<int>();
    plot.lines.push_back({"ideal (speed-up = ranks / " + fmt(r0, 0) + ")", "#222222", 1 / r0, 0, true});
  }
  queue::write_file_atomic(out / "scaling.svg", bench::scatter_svg(plot));
  json doc{{"molecule", {{"name", molecule.name}, {"smiles", molecule.canonical_smiles},
                         {"atoms", molecule.atom_count()}, {"heavy_atoms", molecule.heavy_atom_count()}}},
           {"preset", std::string(spec.preset.name)},
           {"level", spec.preset.level_label()},
           {"solvent", std::string(spec.solvent->key)},
           {"plan_ranks", pick},
           {"plan", base_plan.to_json()},
           {"versions", tool_versions()},
           {"rows", rows},
           {"speedup_reference", "the fewest ranks measured; optimisations per step"}};
  queue::write_file_atomic(out / "scaling.json", doc.dump(1) + "\n");
  std::printf("\nscaling.json and scaling.svg in %s\n", out.c_str());
  if (!interrupted && !failed && rows.size() > 1) {
    // The packing of jobs on this machine takes its speed-ups from here.
    const auto model = scaling_model_path(config.reference_cache());
    std::filesystem::create_directories(model.parent_path());
    queue::write_file_atomic(model, doc.dump(1) + "\n");
    std::printf("the packing of NWChem runs uses these speed-ups from now on: %s\n",
                model.c_str());
  }
  if (interrupted) {
    std::fprintf(stderr, "qmnmr bench scaling: interrupted; measured rank counts are kept: run the "
                         "same command again to go on\n");
    return 130;
  }
  return failed ? 1 : 0;
}

}  // namespace qmnmr::runner
