// The bench levels command: run every compound at every level, then measure.
#include "runner/modes/bench_levels.h"

#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "chem/presets.h"
#include "chem/solvents.h"
#include "container/signals.h"
#include "queue/atomic_file.h"
#include "queue/json_limits.h"
#include "runner/bench/accuracy_report.h"
#include "runner/bench/compound_results.h"
#include "runner/bench/level_comparison.h"
#include "runner/bench/level_table.h"
#include "runner/bench/reference_set.h"
#include "runner/modes/app.h"
#include "runner/modes/bench_jobs.h"
#include "runner/modes/job_folder.h"
#include "runner/pipeline/job_request.h"
#include "runner/pipeline/status_file.h"
#include "runner/pipeline/tool_versions.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// How one geometry level becomes a job: the request's geometry mode and the
// suffix of its level text.
struct GeometryChoice {
  std::string name;      // as given: set | gfn2-xtb | b3lyp/6-31G*
  std::string mode;      // fixed | xtb | optimise
  std::string suffix;    // "//b3lyp/6-31G*" for a re-optimisation, else ""
  std::string label;     // for the table
};

GeometryChoice geometry_choice(const std::string& text, const chem::Solvent& solvent) {
  if (text == "set") return {text, "fixed", "", "the set's own (fixed)"};
  const std::string alpb = solvent.is_vacuum() ? "gas phase" : "ALPB " + std::string(solvent.key);
  if (text == "gfn2-xtb" || text == "xtb") return {"gfn2-xtb", "xtb", "", "GFN2-xTB, " + alpb};
  const auto level = chem::parse_level(text);  // throws naming the form
  return {text, "optimise", "//" + text,
          level.label() + " re-optimised" +
              (solvent.is_vacuum() ? "" : ", COSMO " + std::string(solvent.key))};
}

// A folder name for a level: its characters, '*' as 's', anything else odd as '_'.
std::string slug(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.')
      out += c;
    else if (c == '*')
      out += 's';
    else
      out += '_';
  }
  return out;
}

double number_at(const json& doc, const char* object, const char* key) {
  if (!doc.contains(object) || !doc[object].is_object()) return 0;
  const auto& o = doc[object];
  return o.contains(key) && o[key].is_number() ? o[key].get<double>() : 0.0;
}

// What a finished job cost: its shielding runs, and its geometry (xTB and DFT
// optimisation stages), CPU and wall seconds. The TMS reference (stage
// "average" in the NWChem records) is a one-time cost per level and not counted.
struct JobCost {
  double shielding_cpu = 0, shielding_wall = 0, geometry_cpu = 0, geometry_wall = 0;
};

JobCost job_cost(const JobPaths& paths) {
  JobCost c;
  if (!fs::exists(paths.status())) return c;
  const auto doc = queue::read_json_file(paths.status());
  c.shielding_cpu = number_at(doc, "nwchem_cpu_seconds", "shielding");
  c.shielding_wall = number_at(doc, "nwchem_wall_seconds", "shielding");
  for (const auto& s : doc.value("steps_completed", json::array())) {
    const std::string step = s.value("step", "");
    if (step != "xtb" && step != "dft_opt") continue;
    c.geometry_cpu += s.value("cpu_seconds", 0.0);
    c.geometry_wall += s.value("duration_seconds", 0.0);
  }
  return c;
}

}  // namespace

std::vector<std::string> parse_levels_option(const std::string& value) {
  std::string text = value;
  std::error_code ec;
  if (fs::is_regular_file(value, ec)) text = queue::read_file(value);
  std::vector<std::string> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string word;
    while (words >> word) out.push_back(word);
  }
  if (out.empty())
    throw std::invalid_argument("--levels names no level; give functional/basis words "
                                "(\"b3lyp/def2-svp pbe0/pcsseg-1\") or a file of them");
  return out;
}

int cmd_bench_levels(const Config& config, const BenchLevelsOptions& options) {
  auto set = bench::read_reference_set(options.set);
  auto compounds = bench::choose_compounds(set, options.compounds, options.limit);
  const auto& solvent = chem::find_solvent(options.solvent.value_or(config.solvent.value));
  if (options.levels.empty())
    throw std::invalid_argument("--levels is required: the shielding levels to measure");
  std::vector<GeometryChoice> geometries;
  for (const auto& g : options.geometries) geometries.push_back(geometry_choice(g, solvent));
  fs::path out = options.out_dir.empty()
                     ? fs::absolute("bench-levels-" + std::string(solvent.key))
                     : fs::absolute(options.out_dir);

  // Every request is checked before anything runs (an unknown functional, a
  // malformed basis).
  struct Entry {
    std::string key, level;
    const GeometryChoice* geometry;
    fs::path folder;
  };
  std::vector<Entry> entries;
  std::vector<BenchJob> jobs;
  std::set<std::string> keys;
  // The reference level: the first entry at its label (the first geometry's).
  const std::string reference_label =
      chem::parse_level(options.reference.value_or(
                            chem::find_preset("production").shielding.label()))
          .label();
  std::string reference_key;
  for (const auto& g : geometries)
    for (const auto& level : options.levels) {
      Entry e{level + " @ " + g.name, level, &g, out / (slug(level) + "@" + slug(g.name))};
      if (!keys.insert(e.key).second) continue;  // listed twice
      if (reference_key.empty() && chem::parse_level(level).label() == reference_label)
        reference_key = e.key;
      entries.push_back(e);
      for (const auto& c : compounds) {
        JobRequest r;
        r.molecule.format = chem::MoleculeInput::Format::xyz;
        r.molecule.text = c.xyz;
        r.molecule.name = c.name;
        r.preset = options.preset;
        r.solvent = std::string(solvent.key);
        r.geometry = g.mode;
        r.conformers = "single";
        r.max_conformers = config.max_conformers.value;
        r.level = level + g.suffix;
        check_request_settings(r);
        jobs.push_back({e.key + " " + c.id + " " + c.name, r, JobPaths{e.folder / c.id},
                        {{"bench", {{"set", set.root.string()}, {"compound", c.id},
                                    {"level", e.key}}}}});
      }
    }
  if (options.reference && reference_key.empty())
    throw std::invalid_argument("--reference " + *options.reference +
                                " is none of the --levels; give one of them, or leave "
                                "--reference out to compare with production's shielding level");
  auto plan = plan_for(config, environment_map());
  if (!options.report_only) plan.require_runnable();
  fs::create_directories(out);

  container::SignalMonitor signals;
  BenchRun run;
  if (options.report_only)
    for (const auto& job : jobs)
      run.results.push_back({folder_complete(job.paths, job.request.to_json()) ? "complete"
                                                                                : "not run",
                             "", job_seconds(job.paths)});
  else
    run = run_bench_jobs(jobs, config, plan);

  // Count the compounds complete at every level, so that every level is
  // measured on the same molecules.
  const size_t nc = compounds.size();
  std::vector<bool> counted(nc, true);
  size_t failed = 0;
  for (size_t j = 0; j < jobs.size(); ++j) {
    if (run.results[j].state != "complete") counted[j % nc] = false;
    if (run.results[j].state == "failed") ++failed;
  }
  json counted_ids = json::array();
  for (size_t i = 0; i < nc; ++i)
    if (counted[i]) counted_ids.push_back(compounds[i].id);
  // A geometry re-optimised once serves every level on it (the run cache):
  // each level is charged the one that computed it.
  std::map<std::pair<std::string, size_t>, JobCost> geometry_cost;
  for (size_t j = 0; j < jobs.size(); ++j) {
    const auto& e = entries[j / nc];
    auto cost = job_cost(jobs[j].paths);
    auto& g = geometry_cost[{e.geometry->name, j % nc}];
    g.geometry_cpu = std::max(g.geometry_cpu, cost.geometry_cpu);
    g.geometry_wall = std::max(g.geometry_wall, cost.geometry_wall);
  }

  const json versions = tool_versions();
  json levels = json::array();
  for (size_t li = 0; li < entries.size(); ++li) {
    const auto& e = entries[li];
    std::vector<bench::CompoundObservations> observed;
    json rows = json::array();
    double cpu_s = 0, cpu_g = 0, wall_s = 0, wall_g = 0;
    size_t complete = 0, n = 0;
    // The level as the request resolves it (a run by an older build may have
    // written another spelling into its results).
    const std::string job_level =
        nc ? request_preset(jobs[li * nc].request).level_label() : e.level;
    std::string nwchem_version = "unknown";
    for (size_t i = 0; i < nc; ++i) {
      const size_t j = li * nc + i;
      const auto& r = run.results[j];
      json row{{"id", compounds[i].id}, {"number", compounds[i].number},
               {"name", compounds[i].name}, {"folder", jobs[j].paths.root.string()},
               {"state", r.state}, {"seconds", r.seconds}};
      if (!r.error.empty()) row["error"] = r.error;
      if (r.state == "complete") ++complete;
      if (counted[i]) {
        try {
          auto results = queue::read_json_file(jobs[j].paths.output() / "results.json");
          const auto status = queue::read_json_file(jobs[j].paths.status());
          if (status.contains("tool_versions") && status["tool_versions"].is_object())
            nwchem_version = status["tool_versions"].value("nwchem", nwchem_version);
          observed.push_back(bench::compound_observations(compounds[i], results));
          const auto cost = job_cost(jobs[j].paths);
          const auto& g = geometry_cost[{e.geometry->name, i}];
          cpu_s += cost.shielding_cpu;
          wall_s += cost.shielding_wall;
          cpu_g += g.geometry_cpu;
          wall_g += g.geometry_wall;
          ++n;
        } catch (const std::exception& ex) {
          row["state"] = "failed";
          row["error"] = ex.what();
        }
      }
      rows.push_back(row);
    }
    const auto level = chem::parse_level(e.level);
    const double per = n > 0 ? 1.0 / static_cast<double>(n) : 0.0;
    json entry{{"key", e.key},
               {"shielding", e.level},
               {"label", level.label()},
               {"functional", std::string(level.functional->name)},
               {"xc", std::string(level.functional->xc)},
               {"cam", std::string(level.functional->cam)},
               {"verified", level.functional->verified},
               {"geometry", e.geometry->name},
               {"geometry_label", e.geometry->label},
               {"folder", e.folder.string()},
               {"compounds", nc},
               {"compounds_complete", complete},
               {"compounds_counted", n},
               {"cpu_seconds_per_compound",
                {{"shielding", cpu_s * per}, {"geometry", cpu_g * per},
                 {"total", (cpu_s + cpu_g) * per}}},
               {"wall_seconds_per_compound",
                {{"shielding", wall_s * per}, {"geometry", wall_g * per},
                 {"total", (wall_s + wall_g) * per}}}};
    // The level's own bench document (every atom, plots, report) in its folder.
    json doc{{"set", {{"path", set.root.string()}, {"source", set.source},
                      {"conditions", set.conditions}, {"compounds", nc}}},
             {"method", {{"preset", "custom"},
                         {"level", job_level},
                         {"solvent", std::string(solvent.key)},
                         {"geometry", e.geometry->label},
                         {"calibration", "none (TMS at the same level)"}}},
             {"versions", versions},
             {"plan", plan.to_json()},
             {"compounds", rows}};
    auto summary = bench::accuracy_summary(observed);
    doc["atoms"] = summary.atoms;
    doc["statistics"] = summary.statistics;
    entry["statistics"] = summary.statistics;
    if (!observed.empty()) {
      fs::create_directories(e.folder);
      bench::write_accuracy_outputs(e.folder, doc);
      try {
        auto cal = bench::calibration_from_bench(
            doc, e.folder.filename().string() + "-" + std::string(solvent.key));
        // Only the counted compounds were fitted.
        cal.compounds = static_cast<int>(n);
        cal.geometry = e.geometry->mode == "fixed" ? "fixed" : e.geometry->mode;
        cal.provenance = {{"made_by", "qmnmr bench levels"},
                          {"command", options.command},
                          {"created_at", iso_now()},
                          {"nwchem_version", nwchem_version},
                          {"shielding_level", e.level},
                          {"xc", std::string(level.functional->xc)},
                          {"geometry", e.geometry->label},
                          {"compounds", counted_ids},
                          {"ranks", plan.ranks},
                          {"counting", "equivalent atoms averaged"}};
        const fs::path file = out / "calibrations" / (cal.name + ".json");
        fs::create_directories(file.parent_path());
        queue::write_file_atomic(file, cal.to_json().dump(2) + "\n");
        entry["calibration"] = file.string();
      } catch (const std::invalid_argument&) {
        // Fewer than two compounds: no line to fit yet.
      }
    }
    levels.push_back(entry);
  }
  json doc{{"set", {{"path", set.root.string()}, {"source", set.source},
                    {"conditions", set.conditions}}},
           {"solvent", std::string(solvent.key)},
           {"preset", options.preset},
           {"command", options.command},
           {"versions", versions},
           {"plan", plan.to_json()},
           {"compounds", nc},
           {"compounds_counted", counted_ids.size()},
           {"counted", counted_ids},
           {"levels", levels},
           {"times", {{"this_run_seconds", run.ran_seconds}, {"jobs_run_now", run.ran}}}};
  doc["pareto"] = {{"1H", bench::pareto_front(levels, "1H")},
                   {"13C", bench::pareto_front(levels, "13C")}};
  doc["comparison"] = bench::compare_levels(levels, reference_key);  // null: no reference
  bench::write_levels_outputs(out, doc);
  std::printf("\n%s\n%zu of %zu compounds complete at every level; report: %s\n",
              bench::levels_markdown(doc).c_str(), counted_ids.size(), nc,
              (out / "report.html").c_str());
  if (run.interrupted) {
    std::fprintf(stderr, "qmnmr bench: interrupted; finished compound-levels are kept: run the "
                         "same command again to go on\n");
    return 130;
  }
  return failed > 0 ? 1 : 0;
}

}  // namespace qmnmr::runner
