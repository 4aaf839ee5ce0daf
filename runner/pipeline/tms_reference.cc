// tms_reference: the cached TMS shieldings.
#include "runner/pipeline/tms_reference.h"

#include <fstream>

#include "queue/atomic_file.h"
#include "queue/json_limits.h"
#include "chem/shift_conversion.h"
#include "runner/pipeline/nwchem_run.h"
#include "runner/pipeline/run_cache.h"
#include "runner/pipeline/tool_versions.h"
#include "runner/pipeline/xtb_optimisation.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string level_key(const chem::Level& level) {
  return std::string(level.functional->key) + "/" + level.basis_label() +
         "/grid=" + (level.grid.empty() ? std::string("default") : std::string(level.grid)) +
         (level.opt_convergence.empty() ? std::string() : "/opt=" + std::string(level.opt_convergence));
}

}  // namespace

std::string tms_cache_key(const chem::Preset& preset, const chem::Level& shielding,
                          const chem::Solvent& solvent, const std::string& nwchem_version) {
  const std::string geometry =
      preset.geometry_from_xtb ? std::string("gfn2-xtb") : level_key(preset.geometry);
  return "tms v2; geometry " + geometry + "; shielding " + level_key(shielding) +
         "; cosmo " +
         (solvent.is_vacuum() ? std::string("none") : std::string(solvent.cosmo_name)) +
         "; nwchem " + (nwchem_version.empty() ? std::string("unknown") : nwchem_version);
}

std::string tms_cache_file_name(const std::string& key) {
  return "tms-" + stable_hash_hex(key) + ".json";
}

namespace {

// The first 20,000 characters of `path` (an NWChem output's header is near its top).
std::string head_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text(20000, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

// The version of the NWChem that computed this job's shieldings: what its
// NWChem outputs reported (status.json's tool_versions), else what the newest
// NWChem output in its logs/ names (a job resumed by a build that dropped the
// entry); recorded in the status then. "" when the job has no NWChem output yet.
std::string nwchem_version(StageContext& ctx) {
  {
    std::lock_guard lock(ctx.mutex);
    const auto& versions = ctx.status.doc().value("tool_versions", json::object());
    if (versions.contains("nwchem") && versions["nwchem"].is_string() &&
        !versions["nwchem"].get<std::string>().empty())
      return versions["nwchem"].get<std::string>();
  }
  std::string version;
  fs::file_time_type newest{};
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(ctx.paths.logs(), ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("nwchem") || entry.path().extension() != ".out") continue;
    const auto written = entry.last_write_time(ec);
    if (ec || (!version.empty() && written <= newest)) continue;
    if (auto v = nwchem_version_from_output(head_of(entry.path())); !v.empty()) {
      version = v;
      newest = written;
    }
  }
  if (!version.empty()) {
    std::lock_guard lock(ctx.mutex);
    ctx.status.doc()["tool_versions"]["nwchem"] = version;
  }
  return version;
}

std::optional<std::map<std::string, double>> cached(const fs::path& cache, const std::string& key) {
  if (!fs::exists(cache)) return std::nullopt;
  auto j = queue::read_json_file(cache);
  if (j.value("key", "") != key) return std::nullopt;
  return std::map<std::string, double>{{"H", j.at("sigma_H").get<double>()},
                                       {"C", j.at("sigma_C").get<double>()}};
}

}  // namespace

std::vector<const chem::Level*> tms_references_to_compute(StageContext& ctx) {
  const chem::Calibration* calibration = ctx.spec.calibration ? &*ctx.spec.calibration : nullptr;
  std::vector<const chem::Level*> levels;
  for (auto nucleus : {chem::Nucleus::h1, chem::Nucleus::c13}) {
    if (chem::shift_method_for(ctx.preset(), ctx.solvent(), nucleus, calibration,
                               ctx.molecule.multiplicity > 1 ? chem::Shells::open
                                                             : chem::Shells::closed) !=
        chem::ShiftMethod::tms_reference)
      continue;
    const chem::Level* level = &ctx.preset().shielding_for(nucleus);
    bool listed = false;
    for (const auto* l : levels) listed = listed || l->same_calculation(*level);
    if (!listed) levels.push_back(level);
  }
  const std::string version = nwchem_version(ctx);
  if (levels.empty() || version.empty()) return {};
  std::vector<const chem::Level*> missing;
  for (const auto* level : levels) {
    const std::string key = tms_cache_key(ctx.preset(), *level, ctx.solvent(), version);
    if (!cached(ctx.cache_dir / tms_cache_file_name(key), key)) missing.push_back(level);
  }
  return missing;
}

std::map<std::string, double> tms_reference(StageContext& ctx, const chem::Level& shielding,
                                            const std::function<std::optional<int>()>& ranks) {
  const std::string version = nwchem_version(ctx);
  const auto& geometry = ctx.preset().geometry;
  const std::string key = tms_cache_key(ctx.preset(), shielding, ctx.solvent(), version);
  auto cache = ctx.cache_dir / tms_cache_file_name(key);
  // Without a version there is nothing to look up (an entry keyed "nwchem
  // unknown" may hold another version's shieldings).
  if (!version.empty())
    if (auto found = cached(cache, key)) return *found;
  ctx.log->info("computing the TMS reference ({}; once, cached in {})",
                version.empty() ? key + " until its output names the version" : key,
                ctx.cache_dir.string());
  chem::MoleculeInput tms_input{chem::MoleculeInput::Format::smiles, "C[Si](C)(C)C", 0, 1, "TMS"};
  auto tms = chem::load_molecule(tms_input, {});
  // A 1H level of its own computes its TMS in a folder of its own; the
  // optimisation is the same and the run cache gives it back.
  const bool own_h1 = &shielding != &ctx.preset().shielding;
  auto dir = ctx.paths.scratch() / "average" / (own_h1 ? "tms_1h" : "tms");
  const std::string logs = own_h1 ? "nwchem_tms_1h_" : "nwchem_tms_";
  // TMS on the same kind of geometry as the job's conformers: its xTB minimum
  // for shieldings on xTB minima, else its DFT minimum at the geometry level.
  std::string opt_version;
  chem::Geometry at;
  if (ctx.preset().geometry_from_xtb) {
    auto o = optimise_with_xtb(ctx, tms.geometry, dir / "xtb", "tms.xyz",
                               own_h1 ? "xtb_tms_1h" : "xtb_tms", 0, 0);
    if (!o.ok())
      throw ToolError("xtb failed on the TMS reference: " + o.why() + " (xtb said: " + o.said() +
                      "); log: " + o.run.stdout_path.string());
    at = *o.minimum;
  } else {
    auto opt = run_nwchem_recovering(
        ctx, logs + "opt", dir / "opt",
        nwchem_input_for(ctx, tms, tms.geometry, chem::NwchemTask::optimize, dir / "opt",
                         &geometry),
        "average", "optimisation of the TMS reference", ranks());
    if (!opt.ok()) throw ToolError(opt.failure->message);
    at = *opt.output.final_geometry;
    opt_version = opt.nwchem_version;
  }
  auto sh_input = nwchem_input_for(ctx, tms, at, chem::NwchemTask::shielding, dir / "shielding",
                                   &shielding);
  if (!ctx.preset().geometry_from_xtb) start_from_optimisation(ctx, sh_input, dir / "opt", shielding);
  auto sh = run_nwchem_recovering(ctx, logs + "shielding", dir / "shielding", sh_input,
                                  "average", "shielding of the TMS reference", ranks());
  if (!sh.ok()) throw ToolError(sh.failure->message);
  std::map<std::string, std::pair<double, int>> sums;
  for (size_t i = 0; i < sh.output.shieldings.size(); ++i) {
    auto& s = sums[tms.symbols[i]];
    s.first += sh.output.shieldings[i].isotropic;
    s.second += 1;
  }
  double sigma_h = sums["H"].first / sums["H"].second;
  double sigma_c = sums["C"].first / sums["C"].second;
  // The entry is keyed by the version of the NWChem that computed it, as its
  // own output says: never by a version that is unknown or another run's.
  const std::string computed_with = sh.nwchem_version.empty() ? opt_version
                                                              : sh.nwchem_version;
  if (computed_with.empty()) {
    ctx.log->warn("the TMS reference's NWChem outputs name no NWChem version: it is used for "
                  "this job but not cached (its cache key must carry the version)");
    return {{"H", sigma_h}, {"C", sigma_c}};
  }
  const std::string stored_key = tms_cache_key(ctx.preset(), shielding, ctx.solvent(), computed_with);
  cache = ctx.cache_dir / tms_cache_file_name(stored_key);
  fs::create_directories(ctx.cache_dir);
  queue::write_file_atomic(cache, json{{"key", stored_key},
                                       {"preset", std::string(ctx.preset().name)},
                                       {"solvent", std::string(ctx.solvent().key)},
                                       {"geometry_level", ctx.preset().geometry_from_xtb
                                                              ? std::string("gfn2-xtb")
                                                              : level_label(geometry)},
                                       {"shielding_level", level_label(shielding)},
                                       {"nwchem_version", computed_with},
                                       {"sigma_H", sigma_h},
                                       {"sigma_C", sigma_c},
                                       {"computed_at", iso_now()}}
                                      .dump(2));
  return {{"H", sigma_h}, {"C", sigma_c}};
}

}  // namespace qmnmr::runner
