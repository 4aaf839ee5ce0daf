// The /dev/shm check: before any MPI program starts, is there room in /dev/shm for the
// shared-memory segments of the planned NWChem ranks? Also finds (and removes, when they are
// ours) stale segments that crashed runs left behind.
//
// Measured here (Debian 12, Open MPI 4.1.4, NWChem 7.0.2 with ARMCI-MPI), each run in a
// private mount namespace with its own empty /dev/shm, sampled every 50 ms:
//   water HF/STO-3G shielding,   mpirun -n 1: nothing ever appears in /dev/shm
//   water HF/STO-3G shielding,   mpirun -n 2: peak 8,388,624 B apparent (420 KiB touched):
//       vader_segment.<host>.<jobid>.<local rank>  4,194,312 B each, one per rank
//       osc_rdma.<host>.<jobid>.<n>                12,296 B each (MPI-3 RMA windows of ARMCI)
//   ethanol HF/6-31G* shielding, mpirun -n 1: nothing in /dev/shm
//   ethanol HF/6-31G* shielding, mpirun -n 2: peak 8,441,880 B apparent (2.5 MiB touched):
//       the same two 4 MiB vader segments plus ~26 KiB of osc_rdma windows per rank.
// A single rank has no local peer, so Open MPI's vader transport opens no segment. From two
// ranks on, each rank maps one fixed-size (btl_vader_segment_size, 4 MiB) segment, and the
// RMA windows add tens of KiB that do not grow with the molecule (ARMCI keeps the global
// arrays in ordinary memory). The pages are sparse but can all be touched, so the estimate
// takes the apparent size with 50% margin:
//     needed(1) = 0,   needed(n >= 2) = n x 6 MiB.
// Docker's default 64 MiB /dev/shm therefore holds 10 ranks; a 1 MiB one holds 1.
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace qmnmr::runner {

// Bytes of /dev/shm that `ranks` NWChem ranks under mpirun need (the rule above).
std::uint64_t shm_bytes_needed(int ranks);

// Size and free space of the filesystem holding `dir` (statvfs); nullopt with *error set when
// it cannot be read.
struct ShmSpace {
  std::uint64_t total_bytes = 0;
  std::uint64_t free_bytes = 0;  // available to an unprivileged writer (f_bavail)
};
std::optional<ShmSpace> stat_shm(const std::filesystem::path& dir, std::string* error);

// A shared-memory file that a finished MPI/NWChem run left behind: it matches one of the
// names Open MPI or ARMCI use, no running process maps it, and it is older than the age
// limit (so a segment that is being created is never taken for stale).
struct StaleSegment {
  std::filesystem::path path;
  std::uint64_t bytes = 0;
  bool ours = false;  // owned by this process's user, so we may remove it
};

// True for names Open MPI, PSM or ARMCI give their segments (vader_segment.*, osc_rdma.*,
// sm_segment.*, ...).
bool is_mpi_segment_name(const std::string& name);

// Lists stale segments in shm_dir; "mapped" is decided from <proc_root>/<pid>/maps.
std::vector<StaleSegment> find_stale_segments(
    const std::filesystem::path& shm_dir, const std::filesystem::path& proc_root = "/proc",
    std::chrono::seconds min_age = std::chrono::seconds(60));

// Removes the segments marked `ours`; returns how many were removed.
int remove_stale_segments(const std::vector<StaleSegment>& segments);

// The answer to "may `planned_ranks` ranks start now?".
struct ShmVerdict {
  bool ok = false;        // false: not even one rank can start; refuse with `message`
  int ranks_allowed = 0;  // <= planned_ranks; less when /dev/shm is too small
  std::uint64_t total_bytes = 0;
  std::uint64_t free_bytes = 0;
  std::uint64_t needed_bytes = 0;  // for planned_ranks
  std::string message;             // empty when all planned ranks fit; else names the fix
  std::vector<StaleSegment> stale;
};

ShmVerdict check_shm(const std::filesystem::path& shm_dir, int planned_ranks,
                     const std::filesystem::path& proc_root = "/proc");

// "1.0 MiB", "3.0 GiB": for messages.
std::string format_bytes(std::uint64_t bytes);

}  // namespace qmnmr::runner
