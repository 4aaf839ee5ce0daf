// Config loading: the key table, value parsing and precedence.
#include "runner/modes/config.h"

#include "runner/resources/resource_plan.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>

extern char** environ;

namespace qmnmr::runner {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

double parse_seconds(const std::string& text, const std::string& what, bool allow_zero) {
  double v = 0;
  auto t = trim(text);
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc{} || p != t.data() + t.size() || !std::isfinite(v) || v < 0 ||
      (!allow_zero && v == 0))
    throw ConfigError(what + "='" + text + "' is not a number of seconds" +
                      (allow_zero ? " >= 0" : " > 0") + "; e.g. " + what + "=30");
  return v;
}

bool parse_bool(const std::string& text, const std::string& what) {
  auto t = lower(trim(text));
  if (t == "1" || t == "true" || t == "yes" || t == "on") return true;
  if (t == "0" || t == "false" || t == "no" || t == "off") return false;
  throw ConfigError(what + "='" + text + "' is not a boolean; use true or false");
}

std::string one_of(const std::string& text, const std::string& what,
                   std::initializer_list<const char*> allowed) {
  auto t = trim(text);
  std::string list;
  for (const char* a : allowed) {
    if (t == a) return t;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  throw ConfigError(what + "='" + text + "' is not valid; use one of: " + list);
}

std::string nonempty(const std::string& text, const std::string& what) {
  auto t = trim(text);
  if (t.empty()) throw ConfigError(what + " is empty; give a value or unset it");
  return t;
}

}  // namespace

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = {
      {"data_dir", "QMNMR_DATA", "data root: queue.db, jobs/, workers/"},
      {"log_format", "QMNMR_LOG_FORMAT", "text (terminal) or json (one JSON object per line)"},
      {"log_level", "QMNMR_LOG_LEVEL", "trace, debug, info, warn or error"},
      {"ranks", "QMNMR_RANKS", "NWChem MPI ranks (default: from the resource plan)"},
      {"memory", "QMNMR_MEMORY", "memory budget, e.g. 3g (default: from cgroup/SLURM/meminfo)"},
      {"slots", "QMNMR_SLOTS",
       "NWChem runs side by side in a stage (default: packed by the plan; 1: one after another)"},
      {"preset", "QMNMR_PRESET", "level of theory: production, accurate, draft or test"},
      {"solvent", "QMNMR_SOLVENT", "default solvent, e.g. chcl3, dmso, vacuum"},
      {"conformers", "QMNMR_CONFORMERS", "conformer search: single, rdkit or crest"},
      {"max_conformers", "QMNMR_MAX_CONFORMERS", "most conformers that go to DFT"},
      {"drain_seconds", "QMNMR_DRAIN_SECONDS", "on SIGINT, how long the running step may finish"},
      {"heartbeat_seconds", "QMNMR_HEARTBEAT_SECONDS", "heartbeat and lease-extension period"},
      {"lease_seconds", "QMNMR_LEASE_SECONDS", "job lease length; a dead worker's job returns after it"},
      {"mpi_launcher", "QMNMR_MPI_LAUNCHER", "mpirun or srun (inside a SLURM allocation)"},
      {"worker_id", "QMNMR_WORKER_ID", "worker name (default: <hostname>-<pid>)"},
      {"shm_dir", "QMNMR_SHM_DIR", "shared-memory file system MPI uses"},
      {"cgroup_root", "QMNMR_CGROUP_ROOT", "where the cgroup file systems are mounted"},
      {"step_timeout_seconds", "QMNMR_STEP_TIMEOUT", "wall-clock limit per external program, 0 = none"},
      {"cache", "QMNMR_CACHE",
       "reuse finished NWChem calculations from <data>/cache/runs (true or false)"},
      {"force_network_fs", "QMNMR_FORCE_NETWORK_FS", "allow a data root on NFS/Lustre (one host only)"},
      {"reference_dir", "QMNMR_REFERENCE_DIR", "cache of TMS references (default <data>/reference)"},
      {"calibration", "QMNMR_CALIBRATION", "a calibration file (qmnmr bench accuracy --write-calibration) for new jobs"},
  };
  return keys;
}

int parse_positive_int(const std::string& text, const std::string& what) {
  auto t = trim(text);
  long long v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc{} || p != t.data() + t.size() || v < 1 || v > 1'000'000)
    throw ConfigError(what + "='" + text + "' is not a whole number >= 1; unset it or use e.g. " +
                      what + "=2");
  return static_cast<int>(v);
}

std::map<std::string, std::string> environment_map() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string s(*e);
    auto eq = s.find('=');
    if (eq != std::string::npos) env.emplace(s.substr(0, eq), s.substr(eq + 1));
  }
  return env;
}

void Config::set(const std::string& key, const std::string& value, const Origin& origin) {
  // Names errors after what the user typed: the env variable or the key.
  const std::string& what = origin.label.rfind("env ", 0) == 0 ? origin.label.substr(4)
                            : origin.label.rfind("--", 0) == 0 ? origin.label
                                                                : key;
  auto put = [&](auto& setting, auto v) {
    setting.value = std::move(v);
    setting.origin = origin;
  };
  // Paths are made absolute here, at the boundary: NWChem and xTB run in
  // folders of their own, where a relative path would point elsewhere.
  if (key == "data_dir")
    put(data_dir, std::filesystem::absolute(std::filesystem::path(nonempty(value, what))));
  else if (key == "log_format") put(log_format, one_of(value, what, {"text", "json"}));
  else if (key == "log_level")
    put(log_level, one_of(value, what, {"trace", "debug", "info", "warn", "error"}));
  else if (key == "ranks") put(ranks, std::optional<int>(parse_positive_int(value, what)));
  else if (key == "slots") put(slots, std::optional<int>(parse_positive_int(value, what)));
  else if (key == "memory")
    put(memory_bytes, std::optional<std::uint64_t>(parse_memory_amount(value, what)));
  else if (key == "preset") put(preset, nonempty(value, what));
  else if (key == "solvent") put(solvent, nonempty(value, what));
  else if (key == "conformers") put(conformers, one_of(value, what, {"single", "rdkit", "crest"}));
  else if (key == "max_conformers") put(max_conformers, parse_positive_int(value, what));
  else if (key == "drain_seconds") put(drain_seconds, parse_seconds(value, what, true));
  else if (key == "heartbeat_seconds") put(heartbeat_seconds, parse_seconds(value, what, false));
  else if (key == "lease_seconds") put(lease_seconds, parse_seconds(value, what, false));
  else if (key == "mpi_launcher") put(mpi_launcher, one_of(value, what, {"mpirun", "srun"}));
  else if (key == "worker_id") put(worker_id, nonempty(value, what));
  else if (key == "shm_dir") put(shm_dir, std::filesystem::path(nonempty(value, what)));
  else if (key == "cgroup_root") put(cgroup_root, std::filesystem::path(nonempty(value, what)));
  else if (key == "step_timeout_seconds") put(step_timeout_seconds, parse_seconds(value, what, true));
  else if (key == "force_network_fs") put(force_network_fs, parse_bool(value, what));
  else if (key == "cache") put(run_cache, parse_bool(value, what));
  else if (key == "reference_dir") put(reference_dir,
                                         std::filesystem::absolute(nonempty(value, what)));
  else if (key == "calibration") put(calibration, std::filesystem::absolute(nonempty(value, what)));
  else
    throw ConfigError("unknown setting '" + key + "' (" + origin.label +
                      "); see `qmnmr doctor` for the list of settings");
}

Config Config::load(const std::map<std::string, std::string>& env,
                    const std::optional<std::filesystem::path>& config_file) {
  Config config;
  config.data_dir.value = std::filesystem::absolute(config.data_dir.value);  // the default ./data
  std::optional<std::filesystem::path> file = config_file;
  if (!file) {
    if (auto it = env.find("QMNMR_CONFIG"); it != env.end() && !it->second.empty())
      file = it->second;
    else if (std::filesystem::exists("/etc/qmnmr/qmnmr.conf"))
      file = "/etc/qmnmr/qmnmr.conf";
  }
  if (file) {
    std::ifstream in(*file);
    if (!in)
      throw ConfigError("cannot read config file " + file->string() +
                        "; check the path given by --config or QMNMR_CONFIG");
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      auto t = trim(line);
      if (t.empty() || t[0] == '#') continue;
      auto eq = t.find('=');
      if (eq == std::string::npos)
        throw ConfigError(file->string() + ":" + std::to_string(line_no) +
                          ": expected 'key = value', found '" + t + "'");
      config.set(trim(t.substr(0, eq)), trim(t.substr(eq + 1)),
                 Origin{"config file " + file->string() + ":" + std::to_string(line_no)});
    }
  }
  // NWCHEM_NPROC is honoured for compatibility, below QMNMR_RANKS.
  if (auto it = env.find("NWCHEM_NPROC"); it != env.end() && !env.contains("QMNMR_RANKS"))
    config.set("ranks", it->second, Origin{"env NWCHEM_NPROC"});
  for (const auto& k : config_keys())
    if (auto it = env.find(k.env); it != env.end())
      config.set(k.key, it->second, Origin{std::string("env ") + k.env});
  return config;
}

nlohmann::json Config::describe() const {
  nlohmann::json j = nlohmann::json::object();
  auto row = [&](const char* key, nlohmann::json value, const Origin& o) {
    j[key] = {{"value", std::move(value)}, {"origin", o.label}};
  };
  row("data_dir", data_dir.value.string(), data_dir.origin);
  row("log_format", log_format.value, log_format.origin);
  row("log_level", log_level.value, log_level.origin);
  row("ranks", ranks.value ? nlohmann::json(*ranks.value) : nlohmann::json("auto"), ranks.origin);
  row("slots", slots.value ? nlohmann::json(*slots.value) : nlohmann::json("auto"), slots.origin);
  row("memory", memory_bytes.value ? nlohmann::json(*memory_bytes.value) : nlohmann::json("auto"),
      memory_bytes.origin);
  row("preset", preset.value, preset.origin);
  row("solvent", solvent.value, solvent.origin);
  row("conformers", conformers.value, conformers.origin);
  row("max_conformers", max_conformers.value, max_conformers.origin);
  row("drain_seconds", drain_seconds.value, drain_seconds.origin);
  row("heartbeat_seconds", heartbeat_seconds.value, heartbeat_seconds.origin);
  row("lease_seconds", lease_seconds.value, lease_seconds.origin);
  row("mpi_launcher", mpi_launcher.value, mpi_launcher.origin);
  row("worker_id", worker_id.value.empty() ? nlohmann::json("auto") : nlohmann::json(worker_id.value),
      worker_id.origin);
  row("shm_dir", shm_dir.value.string(), shm_dir.origin);
  row("cgroup_root", cgroup_root.value.string(), cgroup_root.origin);
  row("step_timeout_seconds", step_timeout_seconds.value, step_timeout_seconds.origin);
  row("force_network_fs", force_network_fs.value, force_network_fs.origin);
  row("cache", run_cache.value, run_cache.origin);
  row("reference_dir", reference_cache().string(), reference_dir.origin);
  row("calibration", calibration.value.empty() ? nlohmann::json("none")
                                               : nlohmann::json(calibration.value.string()),
      calibration.origin);
  return j;
}

std::string Config::describe_text() const {
  std::ostringstream out;
  auto j = describe();
  for (const auto& k : config_keys()) {
    const auto& row = j.at(k.key);
    std::string v = row.at("value").is_string() ? row.at("value").get<std::string>()
                                                 : row.at("value").dump();
    out << "  " << k.key << std::string(k.key && std::string(k.key).size() < 22
                                            ? 22 - std::string(k.key).size()
                                            : 1,
                                        ' ')
        << v << "  (" << row.at("origin").get<std::string>() << ")\n";
  }
  return out.str();
}

}  // namespace qmnmr::runner
