// The run cache: keys from NWChem inputs, entries as JSON, pruning by age.
#include "runner/pipeline/run_cache.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include <nlohmann/json.hpp>

#include "chem/text_lines.h"
#include "queue/atomic_file.h"
#include "queue/json_limits.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kVersion = "qmnmr run cache v1";

// Lines that name files or resources, not the calculation. The start orbitals
// change the shieldings only within the SCF's convergence threshold (see
// start_from_optimisation), the optimiser's first Hessian only the path to the
// same minimum (see initial_hessian.h).
bool result_neutral(std::string_view line) {
  for (std::string_view word : {"title ", "start ", "scratch_dir ", "permanent_dir ", "memory ",
                                "  vectors input ", "  inhess "})
    if (line.starts_with(word)) return true;
  return false;
}

json geometry_json(const chem::Geometry& g) {
  json atoms = json::array();
  for (const auto& a : g.atoms) atoms.push_back({a.symbol, a.x, a.y, a.z});
  return atoms;
}

chem::Geometry geometry_from(const json& atoms) {
  chem::Geometry g;
  for (const auto& a : atoms)
    g.atoms.push_back({a.at(0).get<std::string>(), a.at(1).get<double>(), a.at(2).get<double>(),
                       a.at(3).get<double>()});
  return g;
}

}  // namespace

std::string stable_hash_hex(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char hex[20];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

std::string nwchem_identity() {
  static const std::string identity = [] {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      if (dir.empty()) continue;
      const fs::path candidate = fs::path(dir) / "nwchem";
      struct stat st {};
      if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_IXUSR)) {
        std::error_code ec;
        auto real = fs::canonical(candidate, ec);
        return (ec ? candidate : real).string() + " " + std::to_string(st.st_size) + " " +
               std::to_string(st.st_mtim.tv_sec);
      }
    }
    return std::string();
  }();
  return identity;
}

RunCacheKey run_cache_key(const std::string& input_text, const std::string& identity) {
  std::string text = std::string(kVersion) + "\nnwchem " + identity + "\n";
  for (auto line : chem::split_lines(input_text))
    if (!result_neutral(line)) text += std::string(line) + "\n";
  return {stable_hash_hex(text), text};
}

std::optional<CachedRun> cached_run(const fs::path& dir, const RunCacheKey& key) {
  const fs::path file = dir / (key.hash + ".json");
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  try {
    auto j = queue::read_json_file(file);
    if (j.value("key", "") != key.text) return std::nullopt;
    chem::NwchemOutput out;
    out.finished = true;
    if (j.contains("total_energy")) out.total_energy = j["total_energy"].get<double>();
    out.optimization_converged = j.value("optimization_converged", false);
    out.optimization_steps = j.value("optimization_steps", 0);
    if (j.contains("final_geometry")) out.final_geometry = geometry_from(j["final_geometry"]);
    for (const auto& s : j.value("shieldings", json::array()))
      out.shieldings.push_back({s.at(0).get<int>(), s.at(1).get<std::string>(), s.at(2).get<double>()});
    fs::last_write_time(file, fs::file_time_type::clock::now(), ec);  // used: pruned last
    return CachedRun{std::move(out), j.value("nwchem_version", "")};
  } catch (const std::exception&) {
    return std::nullopt;  // a damaged entry is a miss
  }
}

void store_run(const fs::path& dir, const RunCacheKey& key, const chem::NwchemOutput& output,
               const std::string& nwchem_version) {
  json j{{"key", key.text},
         {"nwchem_version", nwchem_version},
         {"optimization_converged", output.optimization_converged},
         {"optimization_steps", output.optimization_steps}};
  if (output.total_energy) j["total_energy"] = *output.total_energy;
  if (output.final_geometry) j["final_geometry"] = geometry_json(*output.final_geometry);
  json shieldings = json::array();
  for (const auto& s : output.shieldings) shieldings.push_back({s.atom, s.symbol, s.isotropic});
  j["shieldings"] = shieldings;
  try {
    fs::create_directories(dir);
    queue::write_file_atomic(dir / (key.hash + ".json"), j.dump() + "\n");
  } catch (const std::exception&) {
  }
}

CachePrune prune_run_cache(const fs::path& dir, std::chrono::seconds older_than) {
  CachePrune r;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return r;
  const auto cutoff = fs::file_time_type::clock::now() - older_than;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec) || entry.path().extension() != ".json") continue;
    const auto size = entry.file_size(ec);
    if (older_than.count() == 0 || entry.last_write_time(ec) < cutoff) {
      if (fs::remove(entry.path(), ec)) {
        ++r.removed;
        r.bytes_removed += size;
        continue;
      }
    }
    ++r.kept;
    r.bytes_kept += size;
  }
  return r;
}

}  // namespace qmnmr::runner
