// The resource plan: what this process may use (affinity, cgroups, SLURM, /proc/meminfo,
// /dev/shm, overrides) turned into one decision (NWChem ranks, NWChem memory per rank,
// threads), every figure with its source and the reason for it. `qmnmr plan` prints it and
// each job records it.
//
// Reading and deciding are separate: read_plan_inputs() touches the system (through roots
// that tests point at fixture trees); make_plan() is a pure function of its inputs.
//
// CPU rule: cpus = min(affinity mask, cpuset, floor(cgroup quota) but at least 1, SLURM's
// CPUs on this node). ranks = cpus, or the override (QMNMR_RANKS / --ranks / config, else
// NWCHEM_NPROC), never more than cpus (never oversubscribe), inside SLURM never more than
// SLURM_NTASKS. threads_per_rank = cpus / ranks (ranks x threads <= cpus); every rank gets it
// as OMP_NUM_THREADS and OPENBLAS_NUM_THREADS. omp_threads (xTB, CREST: one process) = cpus.
//
// Memory rule: the limit L = min(cgroup memory, SLURM memory, MemTotal, override); with no
// cgroup, SLURM or override limit it is MemAvailable (the host is shared). From L come off
//   - the worker itself:                       256 MiB
//   - page cache and I/O of the tools:         max(256 MiB, L / 10)
//   - /dev/shm pages of MPI (tmpfs pages count against the cgroup): shm_bytes_needed(ranks)
//   - per rank, what NWChem's process holds beyond its `memory` directive (binary, MPI and
//     BLAS libraries; measured max RSS ~95-110 MB for water/ethanol with memory 200-400 mb):
//                                              128 MiB x ranks
// and the rest is shared among the ranks: nwchem_memory_mb_per_rank = rest / ranks (MiB),
// capped at 2000 (plenty for the small molecules this tool is for). Under 256 MiB per rank
// the ranks are reduced; if one rank would still get less, the plan is not runnable
// (ok == false, `refusal` says why and what to change). So a 3 GiB cgroup with one rank gives
// 3072 - 256 - 307 - 0 - 128 = 2381 -> 2000 MiB, well under the limit.
//
// /dev/shm: when it cannot hold shm_bytes_needed(ranks), the ranks are reduced (see
// shm_check.h); the reason names the fix (--shm-size / shm_size).
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/resources/cgroup.h"

namespace qmnmr::runner {

// A bad input the user can fix (an override or SLURM variable that is not a number, ...).
class PlanError : public std::runtime_error {
 public:
  explicit PlanError(const std::string& what) : std::runtime_error(what) {}
};

// Where read_plan_inputs() looks. Tests point these at fixture trees.
struct SystemRoots {
  std::filesystem::path cgroup_root = "/sys/fs/cgroup";
  std::filesystem::path proc_root = "/proc";  // <proc>/self/cgroup, <proc>/meminfo
  std::filesystem::path shm_dir = "/dev/shm";
  std::optional<int> affinity_cpus;  // unset: sched_getaffinity of this process
};

// Overrides the caller already parsed (from --ranks, the config file, ...) with their origin
// label ("--ranks", "config file /etc/qmnmr/qmnmr.conf", "env QMNMR_RANKS"). When one is not
// given, read_plan_inputs() takes it from the environment map: QMNMR_RANKS (else
// NWCHEM_NPROC) and QMNMR_MEMORY.
struct PlanOverrides {
  std::optional<int> ranks;
  std::string ranks_origin;
  std::optional<std::uint64_t> memory_bytes;
  std::string memory_origin;
};

// SLURM's allocation, read only inside one (SLURM_JOB_ID set).
struct SlurmAllocation {
  bool in_allocation = false;
  std::string job_id;
  std::optional<int> cpus;  // CPUs on this node
  std::string cpus_source;
  std::optional<int> ntasks;  // all tasks of the allocation, on every node
  std::optional<int> nodes;   // SLURM_NNODES (else SLURM_JOB_NUM_NODES)
  std::optional<std::uint64_t> memory_bytes;
  std::string memory_source;
};

struct PlanInputs {
  int affinity_cpus = 1;
  std::string affinity_source;
  CgroupLimits cgroup;
  SlurmAllocation slurm;
  std::optional<std::uint64_t> mem_total_bytes;      // /proc/meminfo MemTotal
  std::optional<std::uint64_t> mem_available_bytes;  // /proc/meminfo MemAvailable
  std::optional<std::uint64_t> shm_total_bytes;      // statvfs of the shm dir
  std::optional<std::uint64_t> shm_free_bytes;
  std::string shm_dir = "/dev/shm";
  std::string shm_error;  // why the shm dir could not be read
  PlanOverrides overrides;

  nlohmann::json to_json() const;
};

// One figure of the plan, why it is what it is.
struct Reason {
  std::string figure;  // "cpus", "ranks", ...
  std::string value;   // "1", "3.0 GiB"
  std::string source;  // "cpu.cfs_quota_us=150000 / cpu.cfs_period_us=100000 at ..."
  std::string why;     // "a fractional quota rounds down, never below 1"
};

struct ResourcePlan {
  int cpus = 1;                         // usable CPUs
  std::uint64_t memory_bytes = 0;       // effective memory limit
  std::uint64_t shm_bytes = 0;          // size of /dev/shm
  std::uint64_t shm_free_bytes = 0;
  std::uint64_t shm_needed_bytes = 0;   // what the planned ranks put there
  int ranks = 1;                        // NWChem MPI ranks, on all nodes
  int nodes = 1;                        // nodes the ranks run on (a SLURM allocation)
  int ranks_per_node = 1;               // of them on this node: the memory, shm and threads rules
  int nwchem_memory_mb_per_rank = 0;    // NWChem `memory total <n> mb`
  int threads_per_rank = 1;             // OMP/OpenBLAS threads of each NWChem rank
  int omp_threads = 1;                  // threads for xTB and CREST
  bool ok = true;                       // false: refuse to run NWChem; see refusal
  std::string refusal;
  std::vector<Reason> reasons;
  PlanInputs inputs;

  // Keys: cpus, memory_bytes, shm_bytes, shm_free_bytes, shm_needed_bytes, ranks, nodes,
  // ranks_per_node, nwchem_memory_mb_per_rank, threads_per_rank, omp_threads, ok, refusal, reasons, inputs.
  nlohmann::json to_json() const;
  // A human table: figure, value, source, why.
  std::string to_text() const;
  // The ranks that run on this node (ranks_per_node across nodes, else ranks).
  int local_ranks() const { return nodes > 1 ? ranks_per_node : ranks; }
  // Throws PlanError with `refusal` when !ok.
  void require_runnable() const;
};

// Reads everything make_plan() needs. Throws PlanError for bad override or SLURM values
// (non-numeric, 0, negative), naming the variable and an accepted example.
PlanInputs read_plan_inputs(const SystemRoots& roots,
                            const std::map<std::string, std::string>& env,
                            const PlanOverrides& given = {});

// The decision; pure.
ResourcePlan make_plan(const PlanInputs& inputs);

// "3g", "3GiB", "512m", "512MB", "1073741824" -> bytes (k/m/g/t are powers of 1024).
// Throws PlanError naming `what` on anything else, including 0 and negatives.
std::uint64_t parse_memory_amount(const std::string& text, const std::string& what);
// A whole number >= 1; throws PlanError naming `what` otherwise.
int parse_rank_count(const std::string& text, const std::string& what);

// /proc/meminfo text -> MemTotal and MemAvailable in bytes.
struct MemInfo {
  std::optional<std::uint64_t> total_bytes;
  std::optional<std::uint64_t> available_bytes;
};
MemInfo parse_meminfo(std::string_view text);

}  // namespace qmnmr::runner
