// run_pipeline: the stage machine and each stage's work.
#include "runner/pipeline.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include "chem/basis_library.h"
#include "chem/clustering.h"
#include "chem/conformers.h"
#include "chem/crest.h"
#include "chem/ensemble.h"
#include "chem/error.h"
#include "chem/molecule.h"
#include "chem/nmredata.h"
#include "chem/nwchem_input.h"
#include "chem/nwchem_output.h"
#include "chem/presets.h"
#include "chem/shift_conversion.h"
#include "chem/solvents.h"
#include "chem/spectrum_svg.h"
#include "chem/symmetry.h"
#include "chem/xtb.h"
#include "queue/atomic_file.h"
#include <spdlog/spdlog.h>

namespace qmnmr::runner {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr double kHartreeToKcal = 627.5095;
constexpr double kXtbWindowKcal = 6.0;
constexpr double kDftWindowKcal = 3.0;
constexpr double kDuplicateRmsd = 0.125;       // Angstrom: collapsed onto one minimum
constexpr double kDuplicateEnergyKcal = 0.15;  // with energies this close
constexpr double kClusterRmsd = 1.5;           // Butina threshold when too many survive

// One conformer as it moves through the stages.
struct Conformer {
  int id = 0;  // 1-based, stable across stages
  chem::Geometry geometry;
  std::optional<double> mmff_kcal, xtb_hartree, dft_hartree;
  std::string state = "generated";
  std::vector<double> shieldings;
  double weight = 0;

  json to_json() const {
    json j{{"conformer_id", id}, {"state", state}, {"xyz", chem::to_xyz(geometry)}};
    if (mmff_kcal) j["mmff_energy_kcal"] = *mmff_kcal;
    if (xtb_hartree) j["xtb_energy_hartree"] = *xtb_hartree;
    if (dft_hartree) j["dft_energy_hartree"] = *dft_hartree;
    if (!shieldings.empty()) j["shieldings"] = shieldings;
    j["weight"] = weight;
    return j;
  }
  static Conformer from_json(const json& j) {
    Conformer c;
    c.id = j.at("conformer_id").get<int>();
    c.state = j.at("state").get<std::string>();
    c.geometry = chem::parse_xyz(j.at("xyz").get<std::string>());
    if (j.contains("mmff_energy_kcal")) c.mmff_kcal = j["mmff_energy_kcal"].get<double>();
    if (j.contains("xtb_energy_hartree")) c.xtb_hartree = j["xtb_energy_hartree"].get<double>();
    if (j.contains("dft_energy_hartree")) c.dft_hartree = j["dft_energy_hartree"].get<double>();
    if (j.contains("shieldings")) c.shieldings = j["shieldings"].get<std::vector<double>>();
    c.weight = j.value("weight", 0.0);
    return c;
  }
};

// Everything the stages share; saved in each stage's done-record.
struct Ensemble {
  std::vector<Conformer> conformers;
  std::string conformer_source;  // single | rdkit | crest | rdkit (crest unavailable)
  std::vector<std::string> warnings;
  json results;  // the average stage's output

  json to_json() const {
    json c = json::array();
    for (const auto& x : conformers) c.push_back(x.to_json());
    return {{"conformers", c},
            {"conformer_source", conformer_source},
            {"warnings", warnings},
            {"results", results}};
  }
  static Ensemble from_json(const json& j) {
    Ensemble e;
    for (const auto& c : j.at("conformers")) e.conformers.push_back(Conformer::from_json(c));
    e.conformer_source = j.value("conformer_source", "");
    e.warnings = j.value("warnings", std::vector<std::string>{});
    e.results = j.value("results", json());
    return e;
  }
  std::vector<Conformer*> with_state(const std::string& state) {
    std::vector<Conformer*> out;
    for (auto& c : conformers)
      if (c.state == state) out.push_back(&c);
    return out;
  }
};

std::string level_label(const chem::Level& level) {
  return std::string(level.functional) + "/" + std::string(level.basis);
}

std::string str(std::string_view v) { return std::string(v); }

fs::path done_record(const JobPaths& paths, const std::string& stage) {
  return paths.scratch() / stage / "done.json";
}

std::string conformer_dir_name(int id) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "conf_%03d", id);
  return buf;
}

std::string read_text(const fs::path& p) { return queue::read_file(p); }

// Everything a stage needs.
struct StageContext {
  const JobRequest& request;
  const JobPaths& paths;
  StatusFile& status;
  ToolRunner& tools;
  const fs::path& cache_dir;
  const chem::Preset& preset;
  const chem::Solvent& solvent;
  chem::Molecule molecule;
  Ensemble ensemble;
  std::shared_ptr<spdlog::logger> log;
};

std::set<std::string> allowed_elements(const chem::Preset& preset) {
  auto dir = chem::default_basis_library_dir();
  auto geo = chem::elements_in_basis(dir, preset.geometry.basis);
  auto shield = chem::elements_in_basis(dir, preset.shielding.basis);
  std::set<std::string> both;
  std::set_intersection(geo.begin(), geo.end(), shield.begin(), shield.end(),
                        std::inserter(both, both.begin()));
  return both;
}

}  // namespace

chem::Molecule load_request_molecule(const JobRequest& request) {
  const auto& preset = chem::find_preset(request.preset);
  chem::LoadOptions options;
  options.allowed_elements = allowed_elements(preset);
  options.basis_description = preset.geometry.basis == preset.shielding.basis
                                  ? std::string(preset.geometry.basis)
                                  : std::string(preset.geometry.basis) + " and " +
                                        std::string(preset.shielding.basis);
  return chem::load_molecule(request.molecule, options);
}

std::vector<size_t> collapsed_conformers(const chem::Molecule& molecule,
                                         const std::vector<chem::Geometry>& geometries,
                                         const std::vector<double>& energies_hartree) {
  if (geometries.size() != energies_hartree.size())
    throw std::invalid_argument("collapsed_conformers: one energy per geometry");
  std::vector<double> kcal;
  for (double e : energies_hartree) kcal.push_back(e * kHartreeToKcal);
  auto kept = chem::deduplicate(molecule, geometries, kcal, kDuplicateRmsd, kDuplicateEnergyKcal);
  std::set<size_t> keep(kept.begin(), kept.end());
  std::vector<size_t> removed;
  for (size_t i = 0; i < geometries.size(); ++i)
    if (!keep.contains(i)) removed.push_back(i);
  return removed;
}

namespace {

// ---- stages ----------------------------------------------------------------

void stage_prepare(StageContext& ctx) {
  // The molecule itself is loaded before any stage; here it is recorded.
  auto dir = ctx.paths.scratch() / "prepare";
  fs::create_directories(dir);
  queue::write_file_atomic(dir / "start.xyz", chem::to_xyz(ctx.molecule.geometry, ctx.molecule.canonical_smiles));
  auto& doc = ctx.status.doc();
  doc["molecule"] = {{"canonical_smiles", ctx.molecule.canonical_smiles},
                     {"atoms", ctx.molecule.atom_count()},
                     {"charge", ctx.molecule.charge},
                     {"multiplicity", ctx.molecule.multiplicity}};
}

void stage_conformers(StageContext& ctx) {
  auto dir = ctx.paths.scratch() / "conformers";
  fs::create_directories(dir);
  auto& e = ctx.ensemble;
  e.conformers.clear();
  std::string mode = ctx.request.conformers;
  if (mode == "crest") {
    auto crest = container::find_program("crest", std::getenv("PATH") ? std::getenv("PATH") : "");
    if (!crest) {
      std::string w =
          "crest is not installed (not on PATH): used the RDKit + xTB conformer search instead";
      ctx.log->warn(w);
      e.warnings.push_back(w);
      ctx.status.doc()["warnings"] = e.warnings;
      mode = "rdkit";
      e.conformer_source = "rdkit (crest unavailable)";
    } else {
      auto cdir = dir / "crest";
      fs::create_directories(cdir);
      queue::write_file_atomic(cdir / "input.xyz", chem::to_xyz(ctx.molecule.geometry, "input"));
      int uhf = ctx.molecule.multiplicity - 1;
      auto argv = chem::crest_argv("input.xyz", ctx.solvent, ctx.molecule.charge, uhf,
                                   ctx.tools.context().plan.omp_threads, kXtbWindowKcal);
      ctx.tools.run("crest", argv, cdir, ctx.tools.openmp_environment());
      if (!fs::exists(cdir / "crest_conformers.xyz"))
        throw ToolError("crest wrote no crest_conformers.xyz; see logs/crest.out");
      auto frames = chem::parse_crest_conformers(read_text(cdir / "crest_conformers.xyz"));
      if (frames.empty()) throw ToolError("crest wrote no conformers; see logs/crest.out");
      int id = 1;
      for (auto& f : frames) {
        chem::check_geometry_matches(ctx.molecule, f.geometry);
        Conformer c;
        c.id = id++;
        c.geometry = f.geometry;
        e.conformers.push_back(std::move(c));
      }
      e.conformer_source = "crest";
    }
  }
  if (mode == "single") {
    Conformer c;
    c.id = 1;
    c.geometry = ctx.molecule.geometry;
    e.conformers.push_back(std::move(c));
    e.conformer_source = "single";
  } else if (mode == "rdkit") {
    if (!ctx.molecule.bond_orders_known)
      throw chem::ChemError(
          "the RDKit conformer search needs bond orders, which an XYZ file lacks; use "
          "--conformers single (or crest), or give the molecule as SMILES or SDF");
    chem::ConformerOptions options;
    auto generated = chem::generate_conformers(ctx.molecule, options);
    int id = 1;
    for (auto& g : generated) {
      Conformer c;
      c.id = id++;
      c.geometry = g.geometry;
      c.mmff_kcal = g.mmff_energy_kcal;
      e.conformers.push_back(std::move(c));
    }
    if (e.conformer_source.empty()) e.conformer_source = "rdkit";
  }
  for (const auto& c : e.conformers)
    queue::write_file_atomic(dir / (conformer_dir_name(c.id) + ".xyz"), chem::to_xyz(c.geometry));
  ctx.log->info("conformers: {} from {}", e.conformers.size(), e.conformer_source);
}

void stage_xtb(StageContext& ctx) {
  auto& e = ctx.ensemble;
  if (e.conformers.size() <= 1 && e.conformer_source == "single") {
    // One conformer needs no semi-empirical ranking.
    for (auto& c : e.conformers) c.state = "selected";
    return;
  }
  int uhf = ctx.molecule.multiplicity - 1;
  for (auto& c : e.conformers) {
    if (c.state != "generated") continue;
    auto dir = ctx.paths.scratch() / "xtb" / conformer_dir_name(c.id);
    fs::create_directories(dir);
    queue::write_file_atomic(dir / "conf.xyz", chem::to_xyz(c.geometry, "conformer"));
    auto argv = chem::xtb_argv("conf.xyz", ctx.solvent, ctx.molecule.charge, uhf);
    auto out = ctx.tools.run("xtb_" + conformer_dir_name(c.id), argv, dir,
                             ctx.tools.openmp_environment());
    auto result = chem::parse_xtb_output(read_text(out), read_text(ctx.paths.logs() /
                                          ("xtb_" + conformer_dir_name(c.id) + ".err")));
    if (result.error || !result.total_energy || !fs::exists(dir / "xtbopt.xyz")) {
      std::string why = result.error ? *result.error : "no energy or xtbopt.xyz";
      ctx.log->warn("xtb failed on conformer {}: {}", c.id, why);
      c.state = "xtb_failed";
      continue;
    }
    c.geometry = chem::parse_xyz(read_text(dir / "xtbopt.xyz"));
    chem::check_geometry_matches(ctx.molecule, c.geometry);
    c.xtb_hartree = *result.total_energy;
    c.state = "xtb_optimized";
  }
  auto ok = e.with_state("xtb_optimized");
  if (ok.empty()) throw ToolError("xtb failed on every conformer; see logs/xtb_*.out");
  // Energy window, then duplicates, then the cap by clustering.
  double emin = 1e300;
  for (auto* c : ok) emin = std::min(emin, *c->xtb_hartree);
  std::vector<Conformer*> in_window;
  for (auto* c : ok) {
    if ((*c->xtb_hartree - emin) * kHartreeToKcal > kXtbWindowKcal) c->state = "xtb_window_rejected";
    else in_window.push_back(c);
  }
  std::vector<chem::Geometry> geoms;
  std::vector<double> energies;
  for (auto* c : in_window) {
    geoms.push_back(c->geometry);
    energies.push_back(*c->xtb_hartree * kHartreeToKcal);
  }
  auto kept = chem::deduplicate(ctx.molecule, geoms, energies, 0.25, 0.1);
  std::vector<Conformer*> unique;
  std::set<size_t> kept_set(kept.begin(), kept.end());
  for (size_t i = 0; i < in_window.size(); ++i) {
    if (kept_set.contains(i)) unique.push_back(in_window[i]);
    else in_window[i]->state = "xtb_duplicate";
  }
  size_t cap = static_cast<size_t>(ctx.request.max_conformers);
  std::set<size_t> selected;
  if (unique.size() > cap) {
    std::vector<chem::Geometry> ug;
    std::vector<double> ue;
    for (auto* c : unique) {
      ug.push_back(c->geometry);
      ue.push_back(*c->xtb_hartree * kHartreeToKcal);
    }
    auto sel = chem::butina_select(ctx.molecule, ug, ue, kClusterRmsd, cap);
    selected.insert(sel.begin(), sel.end());
  } else {
    for (size_t i = 0; i < unique.size(); ++i) selected.insert(i);
  }
  for (size_t i = 0; i < unique.size(); ++i)
    unique[i]->state = selected.contains(i) ? "selected" : "xtb_not_selected";
  ctx.log->info("xtb: {} conformers selected for DFT", selected.size());
}

chem::NwchemInput nwchem_input(StageContext& ctx, const chem::Geometry& geometry,
                               chem::NwchemTask task, const fs::path& dir) {
  chem::NwchemInput in;
  in.title = ctx.molecule.name.empty() ? ctx.molecule.canonical_smiles : ctx.molecule.name;
  in.geometry = geometry;
  in.charge = ctx.molecule.charge;
  in.multiplicity = ctx.molecule.multiplicity;
  const auto& level = task == chem::NwchemTask::optimize ? ctx.preset.geometry : ctx.preset.shielding;
  in.functional = std::string(level.functional);
  in.basis = std::string(level.basis);
  in.grid = std::string(level.grid);
  in.solvent = &ctx.solvent;
  in.memory_mb = ctx.tools.context().plan.nwchem_memory_mb_per_rank;
  in.scratch_dir = dir / "scratch";
  in.permanent_dir = dir / "perm";
  in.task = task;
  fs::create_directories(in.scratch_dir);
  fs::create_directories(in.permanent_dir);
  return in;
}

// Runs one NWChem calculation in `dir` unless its result is already there.
chem::NwchemOutput nwchem_once(StageContext& ctx, const std::string& log_name, const fs::path& dir,
                               const chem::NwchemInput& input) {
  fs::create_directories(dir);
  auto input_path = dir / "nwchem.nw";
  queue::write_file_atomic(input_path, chem::write_nwchem_input(input));
  auto out = ctx.tools.run_nwchem(log_name, input_path);
  auto result = chem::parse_nwchem_output(read_text(out));
  auto& doc = ctx.status.doc();
  if (result.nproc) doc["nwchem_actual_processes"] = *result.nproc;
  if (result.memory) doc["nwchem_actual_memory_mb"] = result.memory->total_mb;
  if (result.error || !result.finished)
    throw ToolError("nwchem " + log_name + ": " +
                    (result.error ? *result.error : std::string("the output ends early")) +
                    " (see logs/" + log_name + ".out)");
  return result;
}

void stage_dft_opt(StageContext& ctx) {
  auto& e = ctx.ensemble;
  for (auto* c : e.with_state("selected")) {
    auto dir = ctx.paths.scratch() / "dft_opt" / conformer_dir_name(c->id);
    auto record = dir / "result.json";
    if (fs::exists(record)) {  // finished before an interruption
      *c = Conformer::from_json(json::parse(read_text(record)));
      continue;
    }
    auto result = nwchem_once(ctx, "nwchem_opt_" + conformer_dir_name(c->id), dir,
                              nwchem_input(ctx, c->geometry, chem::NwchemTask::optimize, dir));
    if (!result.final_geometry || !result.total_energy)
      throw ToolError("nwchem optimisation of conformer " + std::to_string(c->id) +
                      " gave no final geometry or energy (see logs)");
    c->geometry = *result.final_geometry;
    chem::check_geometry_matches(ctx.molecule, c->geometry);
    c->dft_hartree = *result.total_energy;
    c->state = "dft_optimized";
    queue::write_file_atomic(record, c->to_json().dump(1));
    ctx.status.doc()["conformer_ensemble"] = ctx.ensemble.to_json()["conformers"];
    ctx.status.save();
  }
  auto opt = e.with_state("dft_optimized");
  if (opt.empty()) throw ToolError("no conformer reached a DFT-optimised geometry");
  // CREST and RDKit ensembles can hold saddle points that optimise onto the
  // same minimum: remove those before the window and the weights.
  std::vector<chem::Geometry> geoms;
  std::vector<double> energies;
  for (auto* c : opt) {
    geoms.push_back(c->geometry);
    energies.push_back(*c->dft_hartree);
  }
  for (size_t i : collapsed_conformers(ctx.molecule, geoms, energies)) {
    opt[i]->state = "dft_duplicate";
    ctx.log->info("conformer {} collapsed onto the minimum of another one: removed", opt[i]->id);
  }
}

void stage_dft_filter(StageContext& ctx) {
  auto opt = ctx.ensemble.with_state("dft_optimized");
  double emin = 1e300;
  for (auto* c : opt) emin = std::min(emin, *c->dft_hartree);
  for (auto* c : opt)
    c->state = (*c->dft_hartree - emin) * kHartreeToKcal > kDftWindowKcal ? "dft_window_rejected"
                                                                          : "dft_selected";
}

void stage_shielding(StageContext& ctx) {
  for (auto* c : ctx.ensemble.with_state("dft_selected")) {
    auto dir = ctx.paths.scratch() / "shielding" / conformer_dir_name(c->id);
    auto record = dir / "result.json";
    if (fs::exists(record)) {
      *c = Conformer::from_json(json::parse(read_text(record)));
      continue;
    }
    auto result = nwchem_once(ctx, "nwchem_shielding_" + conformer_dir_name(c->id), dir,
                              nwchem_input(ctx, c->geometry, chem::NwchemTask::shielding, dir));
    if (result.shieldings.size() != ctx.molecule.atom_count())
      throw ToolError("nwchem shielding of conformer " + std::to_string(c->id) + " gave " +
                      std::to_string(result.shieldings.size()) + " shieldings for " +
                      std::to_string(ctx.molecule.atom_count()) + " atoms (see logs)");
    c->shieldings.clear();
    for (const auto& a : result.shieldings) c->shieldings.push_back(a.isotropic);
    c->state = "shielded";
    queue::write_file_atomic(record, c->to_json().dump(1));
  }
  if (ctx.ensemble.with_state("shielded").empty())
    throw ToolError("no conformer has shieldings");
}

// ---- TMS reference (levels without regression factors) --------------------

// sigma(TMS) for 1H and 13C at the preset's levels and the solvent, computed
// once (optimisation + shielding of tetramethylsilane) and cached.
std::map<std::string, double> tms_reference(StageContext& ctx) {
  auto key = "tms-" + std::string(ctx.preset.name) + "-" + std::string(ctx.solvent.key);
  auto cache = ctx.cache_dir / (key + ".json");
  if (fs::exists(cache)) {
    auto j = json::parse(read_text(cache));
    return {{"H", j.at("sigma_H").get<double>()}, {"C", j.at("sigma_C").get<double>()}};
  }
  ctx.log->info("computing the TMS reference for preset {} in {} (once; cached in {})",
                ctx.preset.name, ctx.solvent.key, cache.string());
  chem::MoleculeInput tms_input{chem::MoleculeInput::Format::smiles, "C[Si](C)(C)C", 0, 1,
                                "TMS"};
  StageContext tms{ctx.request, ctx.paths, ctx.status, ctx.tools, ctx.cache_dir, ctx.preset,
                   ctx.solvent, chem::load_molecule(tms_input, {}), {}, ctx.log};
  auto dir = ctx.paths.scratch() / "average" / "tms";
  auto opt = nwchem_once(tms, "nwchem_tms_opt", dir / "opt",
                         nwchem_input(tms, tms.molecule.geometry, chem::NwchemTask::optimize,
                                      dir / "opt"));
  if (!opt.final_geometry) throw ToolError("TMS optimisation gave no geometry");
  auto sh = nwchem_once(tms, "nwchem_tms_shielding", dir / "shielding",
                        nwchem_input(tms, *opt.final_geometry, chem::NwchemTask::shielding,
                                     dir / "shielding"));
  if (sh.shieldings.size() != tms.molecule.atom_count())
    throw ToolError("TMS shielding gave the wrong number of atoms");
  std::map<std::string, std::pair<double, int>> sums;
  for (size_t i = 0; i < sh.shieldings.size(); ++i) {
    auto& s = sums[tms.molecule.symbols[i]];
    s.first += sh.shieldings[i].isotropic;
    s.second += 1;
  }
  double sigma_h = sums["H"].first / sums["H"].second;
  double sigma_c = sums["C"].first / sums["C"].second;
  fs::create_directories(ctx.cache_dir);
  queue::write_file_atomic(cache, json{{"preset", str(ctx.preset.name)},
                                       {"solvent", str(ctx.solvent.key)},
                                       {"geometry_level", level_label(ctx.preset.geometry)},
                                       {"shielding_level", level_label(ctx.preset.shielding)},
                                       {"sigma_H", sigma_h},
                                       {"sigma_C", sigma_c},
                                       {"computed_at", iso_now()}}
                                      .dump(2));
  return {{"H", sigma_h}, {"C", sigma_c}};
}

// ---- average ----------------------------------------------------------------

void stage_average(StageContext& ctx) {
  auto shielded = ctx.ensemble.with_state("shielded");
  std::vector<double> energies;
  for (auto* c : shielded) energies.push_back(*c->dft_hartree);
  auto weights = chem::boltzmann_weights(energies);
  std::vector<std::vector<double>> per_conformer;
  for (size_t i = 0; i < shielded.size(); ++i) {
    shielded[i]->weight = weights[i];
    per_conformer.push_back(shielded[i]->shieldings);
  }
  // Unrounded averages; rounding is for display only.
  auto sigma = chem::weighted_shieldings(per_conformer, weights);
  // Topologically equivalent atoms share one averaged shielding.
  auto classes = chem::symmetry_classes(ctx.molecule);
  for (const auto& group : chem::symmetry_groups(classes)) {
    double sum = 0;
    for (int a : group) sum += sigma[a];
    for (int a : group) sigma[a] = sum / static_cast<double>(group.size());
  }
  std::optional<std::map<std::string, double>> tms;
  json results{{"h1_shifts", json::array()}, {"c13_shifts", json::array()}};
  json methods = json::object();
  for (auto nucleus : {chem::Nucleus::h1, chem::Nucleus::c13}) {
    const std::string element = nucleus == chem::Nucleus::h1 ? "H" : "C";
    std::optional<double> sigma_tms;
    if (chem::shift_method_for(ctx.preset, ctx.solvent, nucleus) ==
        chem::ShiftMethod::tms_reference) {
      if (!tms) tms = tms_reference(ctx);
      sigma_tms = tms->at(element);
    }
    auto conversion = chem::shift_conversion_for(ctx.preset, ctx.solvent, nucleus, sigma_tms);
    methods[str(chem::nucleus_name(nucleus))] = conversion.to_json();
    auto& list = results[nucleus == chem::Nucleus::h1 ? "h1_shifts" : "c13_shifts"];
    for (size_t i = 0; i < sigma.size(); ++i) {
      if (ctx.molecule.symbols[i] != element) continue;
      json row{{"index", i + 1},
               {"atom", element + std::to_string(i + 1)},
               {"shielding", sigma[i]},
               {"shift", conversion.shift(sigma[i])},
               {"equivalence_class", classes[i]}};
      row["uncertainty_ppm"] = conversion.mae ? json(*conversion.mae) : json();
      list.push_back(row);
    }
  }
  results["shift_conversion"] = methods;
  ctx.ensemble.results = results;
}

// ---- report -----------------------------------------------------------------

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string format_ppm(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

void stage_report(StageContext& ctx) {
  auto out = ctx.paths.output();
  fs::create_directories(out / "conformers");
  const auto& results = ctx.ensemble.results;
  auto shielded = ctx.ensemble.with_state("shielded");
  const Conformer* best = shielded.front();
  for (auto* c : shielded)
    if (*c->dft_hartree < *best->dft_hartree) best = c;

  json ensemble = json::array();
  for (const auto& c : ctx.ensemble.conformers) {
    json row = c.to_json();
    row.erase("xyz");
    row.erase("shieldings");
    ensemble.push_back(row);
    if (c.state == "shielded")
      queue::write_file_atomic(out / "conformers" / (conformer_dir_name(c.id) + ".xyz"),
                               chem::to_xyz(c.geometry, "conformer " + std::to_string(c.id)));
  }
  queue::write_file_atomic(out / "optimized.xyz",
                           chem::to_xyz(best->geometry, "lowest-energy conformer " +
                                                            std::to_string(best->id)));
  json method{{"preset", str(ctx.preset.name)},
              {"level", ctx.preset.level_label()},
              {"functional", str(ctx.preset.shielding.functional)},
              {"geometry_basis", str(ctx.preset.geometry.basis)},
              {"shielding_basis", str(ctx.preset.shielding.basis)},
              {"geometry_level", level_label(ctx.preset.geometry)},
              {"shielding_level", level_label(ctx.preset.shielding)},
              {"solvent", str(ctx.solvent.key)},
              {"solvation", ctx.solvent.is_vacuum() ? "none" : "COSMO (NWChem), ALPB (xTB)"},
              {"shift_conversion", results.at("shift_conversion")},
              {"temperature_k", 298.15}};
  json full{{"h1_shifts", results.at("h1_shifts")},
            {"c13_shifts", results.at("c13_shifts")},
            {"method", method},
            {"molecule",
             {{"name", ctx.molecule.name},
              {"canonical_smiles", ctx.molecule.canonical_smiles},
              {"charge", ctx.molecule.charge},
              {"multiplicity", ctx.molecule.multiplicity}}},
            {"conformer_source", ctx.ensemble.conformer_source},
            {"conformer_ensemble", ensemble},
            {"warnings", ctx.ensemble.warnings}};
  queue::write_file_atomic(out / "results.json", full.dump(2) + "\n");

  std::string csv = "nucleus,index,atom,shielding,shift,uncertainty_ppm\n";
  for (const auto& [key, nucleus] : {std::pair{"h1_shifts", "1H"}, std::pair{"c13_shifts", "13C"}})
    for (const auto& r : results.at(key))
      csv += std::string(nucleus) + "," + std::to_string(r.at("index").get<int>()) + "," +
             csv_field(r.at("atom").get<std::string>()) + "," +
             format_ppm(r.at("shielding").get<double>(), 4) + "," +
             format_ppm(r.at("shift").get<double>(), 4) + "," +
             (r.at("uncertainty_ppm").is_number()
                  ? format_ppm(r.at("uncertainty_ppm").get<double>(), 3)
                  : std::string()) +
             "\n";
  queue::write_file_atomic(out / "shifts.csv", csv);

  // Spectra and NMReDATA: one signal per equivalence class.
  auto classes = chem::symmetry_classes(ctx.molecule);
  chem::NmredataInput nmr;
  nmr.solvent = str(ctx.solvent.key);
  nmr.symmetry_classes = classes;
  for (const auto& r : results.at("h1_shifts"))
    nmr.h1.push_back({r.at("index").get<int>(), r.at("shift").get<double>()});
  for (const auto& r : results.at("c13_shifts"))
    nmr.c13.push_back({r.at("index").get<int>(), r.at("shift").get<double>()});
  queue::write_file_atomic(out / "nmredata.sdf",
                           chem::nmredata_sdf(ctx.molecule, best->geometry, nmr));
  for (const auto& [key, nucleus] : {std::pair{"h1_shifts", "1H"}, std::pair{"c13_shifts", "13C"}}) {
    std::map<int, chem::Peak> peaks;  // by equivalence class
    for (const auto& r : results.at(key)) {
      int i = r.at("index").get<int>() - 1;
      auto [it, fresh] = peaks.try_emplace(classes[i], chem::Peak{0, 0, ""});
      auto& p = it->second;
      p.shift = r.at("shift").get<double>();
      p.intensity += 1;
      p.label += (p.label.empty() ? "" : ",") + r.at("atom").get<std::string>();
    }
    std::vector<chem::Peak> list;
    for (auto& [cls, p] : peaks) list.push_back(p);
    queue::write_file_atomic(out / (std::string("spectrum_") + nucleus + ".svg"),
                             chem::spectrum_svg(nucleus, list,
                                                (ctx.molecule.name.empty()
                                                     ? ctx.molecule.canonical_smiles
                                                     : ctx.molecule.name) +
                                                    " " + nucleus));
  }

  auto& doc = ctx.status.doc();
  doc["nmr_results"] = {{"h1_shifts", results.at("h1_shifts")},
                        {"c13_shifts", results.at("c13_shifts")},
                        {"shift_conversion", results.at("shift_conversion")}};
  doc["conformer_ensemble"] = ensemble;
  doc["method"] = method;
}

// ---- the stage machine -------------------------------------------------------

using StageFn = void (*)(StageContext&);

const std::vector<StageFn>& stage_functions() {
  static const std::vector<StageFn> fns = {stage_prepare,    stage_conformers, stage_xtb,
                                           stage_dft_opt,    stage_dft_filter, stage_shielding,
                                           stage_average,    stage_report};
  return fns;
}

}  // namespace

void JobPaths::create() const {
  for (const auto& d : {root, scratch(), output(), logs()}) fs::create_directories(d);
}

const std::vector<std::pair<std::string, std::string>>& pipeline_stages() {
  static const std::vector<std::pair<std::string, std::string>> stages = {
      {"prepare", "Preparing the molecule"},
      {"conformers", "Searching conformers"},
      {"xtb", "Ranking conformers with GFN2-xTB"},
      {"dft_opt", "Optimising geometries with DFT"},
      {"dft_filter", "Filtering conformers by DFT energy"},
      {"shielding", "Computing NMR shieldings"},
      {"average", "Boltzmann averaging and shifts"},
      {"report", "Writing results"}};
  return stages;
}

std::string last_finished_stage(const JobPaths& paths) {
  std::string last;
  for (const auto& [stage, label] : pipeline_stages())
    if (fs::exists(done_record(paths, stage))) last = stage;
    else break;
  return last;
}

PipelineResult run_pipeline(const JobRequest& request, const JobPaths& paths, StatusFile& status,
                            ToolRunner& tools, const fs::path& cache_dir,
                            const PipelineHooks& hooks) {
  auto log = tools.context().log ? tools.context().log : spdlog::default_logger();
  std::string current = "prepare";
  try {
    paths.create();
    check_request_settings(request);
    const auto& preset = chem::find_preset(request.preset);
    const auto& solvent = chem::find_solvent(request.solvent);
    StageContext ctx{request, paths,   status, tools,
                     cache_dir, preset, solvent, load_request_molecule(request),
                     {},      log};
    status.doc()["resource_plan"] = tools.context().plan.to_json();
    if (!solvent.note.empty() && ctx.ensemble.warnings.empty())
      ctx.ensemble.warnings.push_back(str(solvent.note));

    const auto& stages = pipeline_stages();
    const auto& fns = stage_functions();
    // Resume: load the ensemble of the last finished stage.
    size_t start = 0;
    auto last = last_finished_stage(paths);
    for (size_t i = 0; i < stages.size(); ++i)
      if (stages[i].first == last) {
        ctx.ensemble =
            Ensemble::from_json(json::parse(read_text(done_record(paths, last))).at("ensemble"));
        start = i + 1;
        log->info("resuming after stage {}", last);
      }
    if (start == stages.size()) {
      status.doc()["status"] = "complete";
      status.save();
      return PipelineResult::complete;
    }
    for (size_t i = start; i < stages.size(); ++i) {
      const auto& [stage, label] = stages[i];
      current = stage;
      if (hooks.stage_started) hooks.stage_started(stage);
      auto started_at = iso_now();
      auto t0 = std::chrono::steady_clock::now();
      status.begin_step(stage, label);
      log->info("stage {}: {}", stage, label);
      fs::create_directories(paths.scratch() / stage);
      fns[i](ctx);
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      queue::write_file_atomic(done_record(paths, stage),
                               json{{"stage", stage},
                                    {"completed_at", iso_now()},
                                    {"duration_seconds", seconds},
                                    {"ensemble", ctx.ensemble.to_json()}}
                                   .dump(1));
      status.doc()["conformer_ensemble"] = ctx.ensemble.to_json()["conformers"];
      status.doc()["warnings"] = ctx.ensemble.warnings;
      status.end_step(stage, label, started_at, seconds);
      if (hooks.stage_done) hooks.stage_done(stage);
    }
    status.doc()["status"] = "complete";
    status.doc()["completed_at"] = iso_now();
    status.doc()["current_step"] = "complete";
    status.doc()["current_step_label"] = "Complete";
    status.save();
    log->info("job complete");
    return PipelineResult::complete;
  } catch (const JobInterrupted& e) {
    log->warn("stage {} interrupted: {}", current, e.what());
    status.doc()["interrupted_at_stage"] = current;
    status.save();
    return PipelineResult::interrupted;
  } catch (const std::exception& e) {
    std::string message = std::string(e.what());
    log->error("stage {} failed: {}", current, message);
    status.doc()["failed_stage"] = current;
    status.fail(message);
    return PipelineResult::failed;
  }
}

}  // namespace qmnmr::runner
