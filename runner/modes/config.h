// Config: every setting of qmnmr as one typed object. Precedence, lowest
// first: built-in defaults < config file < QMNMR_* environment < command line.
// Each value remembers where it came from; `qmnmr plan` and `qmnmr doctor`
// show that origin. One key table (config.cc) drives the file, the
// environment and the documentation, so they cannot drift apart.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qmnmr::runner {

class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::string& what) : std::runtime_error(what) {}
};

// Where a value came from: "default", "config file /etc/qmnmr.conf",
// "env QMNMR_RANKS", "--ranks".
struct Origin {
  std::string label = "default";
};

template <typename T>
struct Setting {
  Setting() = default;
  Setting(T v) : value(std::move(v)) {}  // NOLINT: a default value
  T value{};
  Origin origin;
};

struct Config {
  Setting<std::filesystem::path> data_dir{"data"};
  Setting<std::string> log_format{"text"};  // text | json
  Setting<std::string> log_level{"info"};   // trace|debug|info|warn|error
  Setting<std::optional<int>> ranks;        // NWChem MPI ranks override
  Setting<std::optional<std::uint64_t>> memory_bytes;  // memory budget override
  Setting<std::optional<int>> slots;        // NWChem runs side by side (unset: the packing model)
  Setting<std::string> preset{"production"};
  Setting<std::string> solvent{"chcl3"};
  Setting<std::string> conformers{"rdkit"};  // single | rdkit | crest
  Setting<int> max_conformers{8};
  Setting<double> drain_seconds{60};
  Setting<double> heartbeat_seconds{5};
  Setting<double> lease_seconds{60};
  Setting<std::string> mpi_launcher{"mpirun"};  // mpirun | srun
  Setting<std::string> worker_id;               // empty: <hostname>-<pid>
  Setting<std::filesystem::path> shm_dir{"/dev/shm"};
  Setting<std::filesystem::path> cgroup_root{"/sys/fs/cgroup"};
  Setting<double> step_timeout_seconds{0};  // 0 = no wall-clock limit per program
  Setting<bool> force_network_fs{false};
  Setting<bool> run_cache{true};  // reuse finished NWChem calculations (runner/pipeline/run_cache.h)
  Setting<std::filesystem::path> reference_dir;  // empty: <data_dir>/reference
  Setting<std::filesystem::path> calibration;    // empty: the presets' own conversion

  // Where finished NWChem calculations are kept: <data_dir>/cache/runs.
  std::filesystem::path run_cache_dir() const {
    return std::filesystem::absolute(data_dir.value) / "cache" / "runs";
  }

  // Where TMS references are cached: reference_dir, else <data_dir>/reference.
  std::filesystem::path reference_cache() const {
    return reference_dir.value.empty() ? data_dir.value / "reference" : reference_dir.value;
  }

  // Loads defaults, then the config file (--config, else QMNMR_CONFIG, else
  // /etc/qmnmr/qmnmr.conf when present), then the environment.
  static Config load(const std::map<std::string, std::string>& env,
                     const std::optional<std::filesystem::path>& config_file);

  // Applies one `key = value` setting with the given origin (used by the
  // file, the environment and the command line). Throws ConfigError naming
  // the key, the bad value and what is accepted.
  void set(const std::string& key, const std::string& value, const Origin& origin);

  // Every key with its value and origin, for plan/doctor.
  nlohmann::json describe() const;
  std::string describe_text() const;
};

// One row of the key table: the config-file key, its environment variable.
struct ConfigKey {
  const char* key;
  const char* env;
  const char* help;
};
const std::vector<ConfigKey>& config_keys();

// Parses a whole number >= 1; throws ConfigError naming `what`.
int parse_positive_int(const std::string& text, const std::string& what);

// The process environment as a map.
std::map<std::string, std::string> environment_map();

}  // namespace qmnmr::runner
