// Reads the plan's inputs from the system and turns them into ranks, memory and threads,
// following the rules written in resource_plan.h.
#include "runner/resources/resource_plan.h"

#include <sched.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "runner/resources/shm_check.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;

namespace {
constexpr std::uint64_t kMiB = 1024 * 1024;
constexpr std::int64_t kWorkerHeadroomMiB = 256;
constexpr std::int64_t kCacheHeadroomMinMiB = 256;
constexpr std::int64_t kRankOverheadMiB = 128;
constexpr std::int64_t kMaxNwchemMiBPerRank = 2000;
constexpr std::int64_t kMinNwchemMiBPerRank = 256;

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  if (!in) return {};
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::optional<std::uint64_t> parse_u64(const std::string& s) {
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s.front()))) return std::nullopt;
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

int affinity_cpu_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

const std::string* env_get(const std::map<std::string, std::string>& env, const char* key) {
  const auto it = env.find(key);
  if (it == env.end() || it->second.empty()) return nullptr;  // empty means unset
  return &it->second;
}

// A SLURM variable that must be a whole number >= 1 (SLURM_MEM_PER_NODE may also be 0).
std::optional<std::uint64_t> slurm_number(const std::map<std::string, std::string>& env,
                                          const char* key, bool zero_ok) {
  const std::string* text = env_get(env, key);
  if (!text) return std::nullopt;
  std::string t = trim(*text);
  // SLURM_CPUS_ON_NODE on heterogeneous jobs and SLURM_MEM_PER_NODE may carry a suffix.
  if (!t.empty() && (t.back() == 'M' || t.back() == 'm')) t.pop_back();
  const auto v = parse_u64(t);
  if (!v || (*v == 0 && !zero_ok)) {
    throw PlanError(std::string(key) + "='" + *text +
                    "' is not a whole number >= 1; inside a SLURM allocation it is set by "
                    "SLURM: unset it or fix the job script");
  }
  return v;
}

std::string mib_text(std::uint64_t bytes) { return format_bytes(bytes); }

void add(std::vector<Reason>& reasons, std::string figure, std::string value, std::string source,
         std::string why) {
  reasons.push_back({std::move(figure), std::move(value), std::move(source), std::move(why)});
}

struct Candidate {
  std::uint64_t value;
  std::string source;
};

}  // namespace

// ---------------------------------------------------------------- parsing

std::uint64_t parse_memory_amount(const std::string& text, const std::string& what) {
  const std::string t = lower(trim(text));
  std::size_t digits = 0;
  while (digits < t.size() && (std::isdigit(static_cast<unsigned char>(t[digits])) ||
                               t[digits] == '.')) {
    ++digits;
  }
  const std::string number = t.substr(0, digits);
  std::string unit = trim(t.substr(digits));
  const auto fail = [&]() -> PlanError {
    return PlanError(what + "='" + text +
                     "' is not a memory amount > 0; use bytes or a number with a unit "
                     "(k, m, g, t, KiB, MiB, GiB, KB, MB, GB; all powers of 1024), e.g. " +
                     what + "=3g");
  };
  if (number.empty() || number.front() == '.' ||
      std::count(number.begin(), number.end(), '.') > 1) {
    throw fail();
  }
  std::uint64_t mult = 1;
  if (unit.empty() || unit == "b") {
    mult = 1;
  } else {
    const char u = unit.front();
    const std::string rest = unit.substr(1);
    if (rest != "" && rest != "b" && rest != "ib") throw fail();
    switch (u) {
      case 'k': mult = std::uint64_t{1} << 10; break;
      case 'm': mult = std::uint64_t{1} << 20; break;
      case 'g': mult = std::uint64_t{1} << 30; break;
      case 't': mult = std::uint64_t{1} << 40; break;
      default: throw fail();
    }
  }
  double value = 0;
  try {
    std::size_t used = 0;
    value = std::stod(number, &used);
    if (used != number.size()) throw fail();
  } catch (const std::logic_error&) {
    throw fail();
  }
  const double bytes = std::floor(value * static_cast<double>(mult));
  if (!(bytes >= 1.0) || bytes > 1.8e19) throw fail();
  return static_cast<std::uint64_t>(bytes);
}

int parse_rank_count(const std::string& text, const std::string& what) {
  const auto v = parse_u64(trim(text));
  if (!v || *v < 1 || *v > 1000000) {
    throw PlanError(what + "='" + text + "' is not a whole number >= 1; unset it or set e.g. " +
                    what + "=2");
  }
  return static_cast<int>(*v);
}

MemInfo parse_meminfo(std::string_view text) {
  MemInfo out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string key, unit;
    std::uint64_t value = 0;
    if (!(ls >> key >> value)) continue;
    ls >> unit;
    const std::uint64_t bytes = unit == "kB" ? value * 1024 : value;
    if (key == "MemTotal:") out.total_bytes = bytes;
    if (key == "MemAvailable:") out.available_bytes = bytes;
  }
  return out;
}

// ---------------------------------------------------------------- reading

PlanInputs read_plan_inputs(const SystemRoots& roots,
                            const std::map<std::string, std::string>& env,
                            const PlanOverrides& given) {
  PlanInputs in;
  if (roots.affinity_cpus) {
    in.affinity_cpus = std::max(1, *roots.affinity_cpus);
    in.affinity_source = "given affinity";
  } else {
    in.affinity_cpus = affinity_cpu_count();
    in.affinity_source = "sched_getaffinity";
  }

  const fs::path self_cgroup = roots.proc_root / "self" / "cgroup";
  const std::string cgroup_text = read_text(self_cgroup);
  in.cgroup = read_cgroup_limits(roots.cgroup_root, cgroup_text);
  if (cgroup_text.empty()) in.cgroup.notes.push_back("cannot read " + self_cgroup.string());

  const MemInfo mem = parse_meminfo(read_text(roots.proc_root / "meminfo"));
  in.mem_total_bytes = mem.total_bytes;
  in.mem_available_bytes = mem.available_bytes;

  in.shm_dir = roots.shm_dir.string();
  if (const auto space = stat_shm(roots.shm_dir, &in.shm_error)) {
    in.shm_total_bytes = space->total_bytes;
    in.shm_free_bytes = space->free_bytes;
  }

  if (const std::string* job = env_get(env, "SLURM_JOB_ID")) {
    auto& s = in.slurm;
    s.in_allocation = true;
    s.job_id = *job;
    const auto on_node = slurm_number(env, "SLURM_CPUS_ON_NODE", false);
    const auto ntasks = slurm_number(env, "SLURM_NTASKS", false);
    const auto per_task = slurm_number(env, "SLURM_CPUS_PER_TASK", false);
    if (ntasks) s.ntasks = static_cast<int>(*ntasks);
    if (const auto nodes = env_get(env, "SLURM_NNODES") ? slurm_number(env, "SLURM_NNODES", false)
                                                         : slurm_number(env, "SLURM_JOB_NUM_NODES", false))
      s.nodes = static_cast<int>(*nodes);
    if (on_node) {
      s.cpus = static_cast<int>(*on_node);
      s.cpus_source = "SLURM_CPUS_ON_NODE=" + std::to_string(*on_node);
    } else if (ntasks) {
      s.cpus = static_cast<int>(*ntasks * per_task.value_or(1));
      s.cpus_source = "SLURM_NTASKS=" + std::to_string(*ntasks) + " x SLURM_CPUS_PER_TASK=" +
                      (per_task ? std::to_string(*per_task) : std::string("1 (unset)"));
    }
    const auto per_node = slurm_number(env, "SLURM_MEM_PER_NODE", true);
    const auto per_cpu = slurm_number(env, "SLURM_MEM_PER_CPU", false);
    if (per_node && *per_node > 0) {
      s.memory_bytes = *per_node * kMiB;
      s.memory_source = "SLURM_MEM_PER_NODE=" + std::to_string(*per_node) + " (MB)";
    } else if (per_cpu && s.cpus) {
      s.memory_bytes = *per_cpu * kMiB * static_cast<std::uint64_t>(*s.cpus);
      s.memory_source = "SLURM_MEM_PER_CPU=" + std::to_string(*per_cpu) + " (MB) x " +
                        std::to_string(*s.cpus) + " CPUs";
    }
  }

  in.overrides = given;
  if (!in.overrides.ranks) {
    if (const std::string* v = env_get(env, "QMNMR_RANKS")) {
      in.overrides.ranks = parse_rank_count(*v, "QMNMR_RANKS");
      in.overrides.ranks_origin = "env QMNMR_RANKS";
    } else if (const std::string* n = env_get(env, "NWCHEM_NPROC")) {
      in.overrides.ranks = parse_rank_count(*n, "NWCHEM_NPROC");
      in.overrides.ranks_origin = "env NWCHEM_NPROC (compatibility)";
    }
  } else if (*in.overrides.ranks < 1) {
    throw PlanError(in.overrides.ranks_origin + " gives " + std::to_string(*in.overrides.ranks) +
                    " ranks: it must be a whole number >= 1");
  }
  if (!in.overrides.memory_bytes) {
    if (const std::string* v = env_get(env, "QMNMR_MEMORY")) {
      in.overrides.memory_bytes = parse_memory_amount(*v, "QMNMR_MEMORY");
      in.overrides.memory_origin = "env QMNMR_MEMORY";
    }
  } else if (*in.overrides.memory_bytes == 0) {
    throw PlanError(in.overrides.memory_origin + " gives 0 bytes of memory: use e.g. 3g");
  }
  return in;
}

nlohmann::json PlanInputs::to_json() const {
  nlohmann::json j;
  j["affinity_cpus"] = affinity_cpus;
  j["affinity_source"] = affinity_source;
  nlohmann::json cg;
  cg["version"] = cgroup.version;
  cg["cpu_quota"] = cgroup.cpu_quota ? nlohmann::json(*cgroup.cpu_quota) : nlohmann::json();
  cg["cpu_quota_source"] = cgroup.cpu_quota_source;
  cg["cpuset_cpus"] = cgroup.cpuset_cpus ? nlohmann::json(*cgroup.cpuset_cpus) : nlohmann::json();
  cg["cpuset_source"] = cgroup.cpuset_source;
  cg["memory_bytes"] =
      cgroup.memory_bytes ? nlohmann::json(*cgroup.memory_bytes) : nlohmann::json();
  cg["memory_source"] = cgroup.memory_source;
  cg["notes"] = cgroup.notes;
  j["cgroup"] = cg;
  nlohmann::json sl;
  sl["in_allocation"] = slurm.in_allocation;
  if (slurm.in_allocation) {
    sl["job_id"] = slurm.job_id;
    sl["cpus"] = slurm.cpus ? nlohmann::json(*slurm.cpus) : nlohmann::json();
    sl["cpus_source"] = slurm.cpus_source;
    sl["ntasks"] = slurm.ntasks ? nlohmann::json(*slurm.ntasks) : nlohmann::json();
    sl["nodes"] = slurm.nodes ? nlohmann::json(*slurm.nodes) : nlohmann::json();
    sl["memory_bytes"] = slurm.memory_bytes ? nlohmann::json(*slurm.memory_bytes) : nlohmann::json();
    sl["memory_source"] = slurm.memory_source;
  }
  j["slurm"] = sl;
  const auto opt = [](const std::optional<std::uint64_t>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json();
  };
  j["mem_total_bytes"] = opt(mem_total_bytes);
  j["mem_available_bytes"] = opt(mem_available_bytes);
  j["shm_dir"] = shm_dir;
  j["shm_total_bytes"] = opt(shm_total_bytes);
  j["shm_free_bytes"] = opt(shm_free_bytes);
  if (!shm_error.empty()) j["shm_error"] = shm_error;
  nlohmann::json ov = nlohmann::json::object();
  if (overrides.ranks) ov["ranks"] = {{"value", *overrides.ranks}, {"origin", overrides.ranks_origin}};
  if (overrides.memory_bytes) {
    ov["memory_bytes"] = {{"value", *overrides.memory_bytes}, {"origin", overrides.memory_origin}};
  }
  j["overrides"] = ov;
  return j;
}

// ---------------------------------------------------------------- deciding

ResourcePlan make_plan(const PlanInputs& in) {
  ResourcePlan p;
  p.inputs = in;
  auto& reasons = p.reasons;

  // CPUs: the smallest of what may be used.
  std::vector<Candidate> cpu_limits;
  cpu_limits.push_back({static_cast<std::uint64_t>(std::max(1, in.affinity_cpus)),
                        "affinity mask (" + in.affinity_source + ")"});
  if (in.cgroup.cpuset_cpus) {
    cpu_limits.push_back({static_cast<std::uint64_t>(std::max(1, *in.cgroup.cpuset_cpus)),
                          "cpuset " + in.cgroup.cpuset_source});
  }
  if (in.cgroup.cpu_quota) {
    const auto whole = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::floor(*in.cgroup.cpu_quota + 1e-9)));
    cpu_limits.push_back({whole, "cgroup quota " + in.cgroup.cpu_quota_source +
                                     ", rounded down, never below 1"});
  }
  if (in.slurm.cpus) {
    cpu_limits.push_back({static_cast<std::uint64_t>(std::max(1, *in.slurm.cpus)),
                          "SLURM " + in.slurm.cpus_source});
  }
  const auto cpu_min = std::min_element(
      cpu_limits.begin(), cpu_limits.end(),
      [](const Candidate& a, const Candidate& b) { return a.value < b.value; });
  p.cpus = static_cast<int>(cpu_min->value);
  {
    std::string considered;
    for (const auto& c : cpu_limits) {
      considered += (considered.empty() ? "" : "; ") + std::to_string(c.value) + " from " +
                    c.source;
    }
    add(reasons, "cpus", std::to_string(p.cpus), cpu_min->source,
        "the smallest of: " + considered);
  }
  p.omp_threads = p.cpus;
  add(reasons, "omp_threads", std::to_string(p.omp_threads), "cpus",
      "xTB and CREST run as one process and may use every usable CPU");

  // Memory: the smallest explicit limit, else what the host has available.
  std::vector<Candidate> mem_limits;
  if (in.cgroup.memory_bytes) {
    mem_limits.push_back({*in.cgroup.memory_bytes, "cgroup " + in.cgroup.memory_source});
  }
  if (in.slurm.memory_bytes) mem_limits.push_back({*in.slurm.memory_bytes, "SLURM " + in.slurm.memory_source});
  const bool explicit_limit = !mem_limits.empty();
  if (in.mem_total_bytes) mem_limits.push_back({*in.mem_total_bytes, "/proc/meminfo MemTotal"});
  std::string memory_why;
  if (mem_limits.empty()) {
    mem_limits.push_back({4ULL << 30, "built-in guess"});
    memory_why = "no cgroup, SLURM or /proc/meminfo figure: assumed 4 GiB; set QMNMR_MEMORY";
  }
  auto mem_min = *std::min_element(
      mem_limits.begin(), mem_limits.end(),
      [](const Candidate& a, const Candidate& b) { return a.value < b.value; });
  if (memory_why.empty()) {
    memory_why = "the smallest of the cgroup limit, SLURM's memory and MemTotal";
  }
  if (!explicit_limit && in.mem_available_bytes && *in.mem_available_bytes < mem_min.value &&
      !in.overrides.memory_bytes) {
    mem_min = {*in.mem_available_bytes, "/proc/meminfo MemAvailable"};
    memory_why = "no cgroup or SLURM limit: what the shared host has available now";
  }
  if (in.overrides.memory_bytes) {
    if (*in.overrides.memory_bytes <= mem_min.value) {
      memory_why = "override; the detected limit is " + mib_text(mem_min.value) + " (" +
                   mem_min.source + ")";
      mem_min = {*in.overrides.memory_bytes, in.overrides.memory_origin};
    } else {
      memory_why = in.overrides.memory_origin + " asks " +
                   mib_text(*in.overrides.memory_bytes) +
                   ", more than the limit: capped at the limit";
    }
  }
  p.memory_bytes = mem_min.value;
  add(reasons, "memory_bytes", mib_text(p.memory_bytes), mem_min.source, memory_why);

  // Ranks: CPUs (never oversubscribe), SLURM's task count, the override.
  int ceiling = p.cpus;
  std::string ceiling_why = "one rank per usable CPU";
  if (in.slurm.ntasks && *in.slurm.ntasks < ceiling) {
    ceiling = *in.slurm.ntasks;
    ceiling_why = "SLURM_NTASKS=" + std::to_string(*in.slurm.ntasks) + ": srun starts no more";
  }
  int ranks = ceiling;
  std::string ranks_source = "cpus";
  std::string ranks_why = ceiling_why;
  if (in.overrides.ranks) {
    ranks_source = in.overrides.ranks_origin;
    if (*in.overrides.ranks <= ceiling) {
      ranks = *in.overrides.ranks;
      ranks_why = "override";
    } else {
      ranks_why = in.overrides.ranks_origin + " asks " + std::to_string(*in.overrides.ranks) +
                  " ranks but only " + std::to_string(ceiling) +
                  " may run without oversubscribing (" + ceiling_why + "): capped";
    }
  }

  // /dev/shm.
  p.shm_bytes = in.shm_total_bytes.value_or(0);
  p.shm_free_bytes = in.shm_free_bytes.value_or(0);
  if (!in.shm_free_bytes) {
    p.ok = false;
    p.refusal = "cannot read " + in.shm_dir + " (" + in.shm_error +
                "): MPI needs a writable tmpfs there; mount one (docker run --shm-size=256m, "
                "compose shm_size: 256m)";
  } else {
    const int wanted = ranks;
    while (ranks > 1 && shm_bytes_needed(ranks) > *in.shm_free_bytes) --ranks;
    if (ranks < wanted) {
      ranks_source = in.shm_dir;
      ranks_why = in.shm_dir + " has " + mib_text(*in.shm_free_bytes) + " free, " +
                  std::to_string(wanted) + " NWChem ranks need about " +
                  mib_text(shm_bytes_needed(wanted)) + ": reduced to " + std::to_string(ranks) +
                  "; raise it (docker run --shm-size=256m, compose shm_size: 256m) or set "
                  "QMNMR_RANKS=" + std::to_string(ranks);
    }
  }

  // Memory per rank; fewer ranks when each would get too little.
  const std::int64_t limit_mib = static_cast<std::int64_t>(p.memory_bytes / kMiB);
  const std::int64_t cache_mib = std::max(kCacheHeadroomMinMiB, limit_mib / 10);
  const auto per_rank_for = [&](int n) {
    const std::int64_t shm_mib =
        static_cast<std::int64_t>((shm_bytes_needed(n) + kMiB - 1) / kMiB);
    const std::int64_t rest =
        limit_mib - kWorkerHeadroomMiB - cache_mib - shm_mib - kRankOverheadMiB * n;
    return rest / n;
  };
  const int before_memory = ranks;
  while (ranks > 1 && per_rank_for(ranks) < kMinNwchemMiBPerRank) --ranks;
  if (ranks < before_memory) {
    ranks_source = "memory_bytes";
    ranks_why = std::to_string(before_memory) + " ranks would get " +
                std::to_string(std::max<std::int64_t>(0, per_rank_for(before_memory))) +
                " MiB each, under the " + std::to_string(kMinNwchemMiBPerRank) +
                " MiB floor: reduced to " + std::to_string(ranks);
  }
  // Several nodes: NWChem takes all of SLURM's tasks and the MPI launcher places them on every
  // node, as long as each node's share is no more than this node can run (the allocation's
  // nodes are alike). The rules above then hold per node. An explicit rank count wins.
  int total_ranks = ranks;
  const auto& sl = in.slurm;
  if (p.ok && !in.overrides.ranks && sl.nodes && *sl.nodes > 1 && sl.ntasks &&
      *sl.ntasks > ranks) {
    const int share = (*sl.ntasks + *sl.nodes - 1) / *sl.nodes;
    if (share <= ranks) {
      ranks_source = "SLURM_NNODES=" + std::to_string(*sl.nodes) +
                     " SLURM_NTASKS=" + std::to_string(*sl.ntasks);
      ranks_why = "the allocation spans " + std::to_string(*sl.nodes) +
                  " nodes: the MPI launcher places " + std::to_string(share) +
                  " ranks on each (this node could run " + std::to_string(ranks) + ")";
      total_ranks = *sl.ntasks;
      ranks = share;
      p.nodes = *sl.nodes;
    }
  }
  const std::int64_t per_rank = per_rank_for(ranks);
  p.ranks = total_ranks;
  p.ranks_per_node = ranks;
  p.shm_needed_bytes = shm_bytes_needed(ranks);
  p.nwchem_memory_mb_per_rank =
      static_cast<int>(std::clamp<std::int64_t>(per_rank, 0, kMaxNwchemMiBPerRank));
  add(reasons, "ranks", std::to_string(p.ranks), ranks_source, ranks_why);
  add(reasons, "shm_bytes", mib_text(p.shm_bytes), in.shm_dir + " (statvfs)",
      std::to_string(ranks) + " ranks put about " + mib_text(p.shm_needed_bytes) +
          " there (1 rank: none; from 2 ranks 6 MiB each, see shm_check.h); " +
          mib_text(p.shm_free_bytes) + " free");
  const std::string budget =
      mib_text(p.memory_bytes) + " - worker " + std::to_string(kWorkerHeadroomMiB) +
      " MiB - page cache " + std::to_string(cache_mib) + " MiB - /dev/shm " +
      std::to_string((p.shm_needed_bytes + kMiB - 1) / kMiB) + " MiB - " +
      std::to_string(ranks) + " x " + std::to_string(kRankOverheadMiB) +
      " MiB process overhead, shared by " + std::to_string(ranks) + " rank(s) = " +
      std::to_string(per_rank) + " MiB" + (p.nodes > 1 ? " (per node)" : "");
  if (per_rank < kMinNwchemMiBPerRank) {
    p.ok = false;
    const std::string msg =
        "memory limit " + mib_text(p.memory_bytes) + " leaves one NWChem rank " +
        std::to_string(std::max<std::int64_t>(0, per_rank)) + " MiB, under the " +
        std::to_string(kMinNwchemMiBPerRank) +
        " MiB it needs: give the container more memory (docker run --memory=2g, compose "
        "mem_limit: 2g) or raise QMNMR_MEMORY";
    p.refusal = p.refusal.empty() ? msg : p.refusal + "; " + msg;
  }
  add(reasons, "nwchem_memory_mb_per_rank", std::to_string(p.nwchem_memory_mb_per_rank),
      "memory_bytes",
      budget + (per_rank > kMaxNwchemMiBPerRank
                    ? ", capped at " + std::to_string(kMaxNwchemMiBPerRank) +
                          " MiB (plenty for small molecules)"
                    : std::string()));
  p.threads_per_rank = std::max(1, p.cpus / p.ranks_per_node);
  add(reasons, "threads_per_rank", std::to_string(p.threads_per_rank),
      p.nodes > 1 ? "cpus / ranks on this node" : "cpus / ranks",
      "OMP_NUM_THREADS and OPENBLAS_NUM_THREADS of every rank, so ranks x threads <= cpus "
      "(OpenBLAS's default threads slowed a 1-CPU rank from 30 s to 46 s)");
  return p;
}

nlohmann::json ResourcePlan::to_json() const {
  nlohmann::json j;
  j["cpus"] = cpus;
  j["memory_bytes"] = memory_bytes;
  j["shm_bytes"] = shm_bytes;
  j["shm_free_bytes"] = shm_free_bytes;
  j["shm_needed_bytes"] = shm_needed_bytes;
  j["ranks"] = ranks;
  j["nodes"] = nodes;
  j["ranks_per_node"] = ranks_per_node;
  j["nwchem_memory_mb_per_rank"] = nwchem_memory_mb_per_rank;
  j["threads_per_rank"] = threads_per_rank;
  j["omp_threads"] = omp_threads;
  j["ok"] = ok;
  j["refusal"] = refusal;
  nlohmann::json rs = nlohmann::json::array();
  for (const auto& r : reasons) {
    rs.push_back({{"figure", r.figure}, {"value", r.value}, {"source", r.source}, {"why", r.why}});
  }
  j["reasons"] = rs;
  j["inputs"] = inputs.to_json();
  return j;
}

std::string ResourcePlan::to_text() const {
  std::ostringstream os;
  std::size_t w = 6;
  for (const auto& r : reasons) w = std::max(w, r.figure.size());
  for (const auto& r : reasons) {
    os << r.figure << std::string(w - r.figure.size() + 2, ' ') << r.value << "\n";
    os << std::string(w + 2, ' ') << "from: " << r.source << "\n";
    os << std::string(w + 2, ' ') << "why:  " << r.why << "\n";
  }
  for (const auto& n : inputs.cgroup.notes) os << "note: " << n << "\n";
  if (!ok) os << "NOT RUNNABLE: " << refusal << "\n";
  return os.str();
}

void ResourcePlan::require_runnable() const {
  if (!ok) throw PlanError(refusal);
}

}  // namespace qmnmr::runner
