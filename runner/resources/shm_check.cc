// statvfs of /dev/shm against the measured per-rank need, and the stale-segment scan over
// /proc/<pid>/maps.
#include "runner/resources/shm_check.h"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <system_error>

namespace qmnmr::runner {
namespace fs = std::filesystem;

namespace {
constexpr std::uint64_t kMiB = 1024 * 1024;
constexpr std::uint64_t kPerRankBytes = 6 * kMiB;  // 4 MiB vader segment + RMA windows, +50%

// Every path some process maps from shm_dir (canonical form as the kernel prints it).
std::set<std::string> mapped_paths(const fs::path& proc_root) {
  std::set<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(proc_root, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string pid = it->path().filename().string();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream maps(it->path() / "maps");
    std::string line;
    while (std::getline(maps, line)) {
      const auto slash = line.find('/');
      if (slash == std::string::npos) continue;
      std::string path = line.substr(slash);
      constexpr std::string_view deleted = " (deleted)";
      if (path.size() > deleted.size() &&
          path.compare(path.size() - deleted.size(), deleted.size(), deleted) == 0) {
        path.resize(path.size() - deleted.size());
      }
      out.insert(std::move(path));
    }
  }
  return out;
}
}  // namespace

std::uint64_t shm_bytes_needed(int ranks) {
  if (ranks <= 1) return 0;
  return static_cast<std::uint64_t>(ranks) * kPerRankBytes;
}

std::optional<ShmSpace> stat_shm(const fs::path& dir, std::string* error) {
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) != 0) {
    if (error) *error = "statvfs " + dir.string() + ": " + std::strerror(errno);
    return std::nullopt;
  }
  ShmSpace s;
  s.total_bytes = static_cast<std::uint64_t>(st.f_blocks) * st.f_frsize;
  s.free_bytes = static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
  return s;
}

std::string format_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024.0 && u < 4) {
    v /= 1024.0;
    ++u;
  }
  char buf[32];
  if (u == 0) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  }
  return buf;
}

bool is_mpi_segment_name(const std::string& name) {
  static const char* const prefixes[] = {
      "vader_segment.",  // Open MPI 4 shared-memory BTL, one per rank
      "osc_rdma.",       // Open MPI one-sided (RMA) window state, used by ARMCI-MPI
      "osc_sm.",         // Open MPI shared-memory windows
      "sm_segment.",     // Open MPI 3/5 sm BTL
      "opal_shmem",      // Open MPI shmem/posix segments
      "psm2_shm.",       // Intel PSM2
      "psm_shm.",        // QLogic PSM
      "ucx_shm_",        // UCX
      "armci",           // ARMCI's own segments (other builds of NWChem)
      "cmx",             // ComEx (NWChem's MPI-PR runtime)
  };
  for (const char* p : prefixes) {
    if (name.rfind(p, 0) == 0) return true;
  }
  return false;
}

std::vector<StaleSegment> find_stale_segments(const fs::path& shm_dir, const fs::path& proc_root,
                                              std::chrono::seconds min_age) {
  std::vector<StaleSegment> out;
  std::error_code ec;
  std::vector<fs::path> candidates;
  for (fs::directory_iterator it(shm_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (is_mpi_segment_name(it->path().filename().string())) candidates.push_back(it->path());
  }
  if (candidates.empty()) return out;
  const auto mapped = mapped_paths(proc_root);
  const auto now = std::chrono::system_clock::now();
  for (const auto& path : candidates) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    const auto mtime = std::chrono::system_clock::from_time_t(st.st_mtime);
    if (now - mtime < min_age) continue;
    std::error_code cec;
    const fs::path canonical = fs::weakly_canonical(path, cec);
    if (mapped.count(path.string()) || (!cec && mapped.count(canonical.string()))) continue;
    out.push_back({path, static_cast<std::uint64_t>(st.st_size), st.st_uid == ::geteuid()});
  }
  return out;
}

int remove_stale_segments(const std::vector<StaleSegment>& segments) {
  int removed = 0;
  for (const auto& s : segments) {
    if (!s.ours) continue;
    std::error_code ec;
    if (fs::remove(s.path, ec)) ++removed;
  }
  return removed;
}

ShmVerdict check_shm(const fs::path& shm_dir, int planned_ranks, const fs::path& proc_root) {
  ShmVerdict v;
  if (planned_ranks < 1) planned_ranks = 1;
  std::string error;
  const auto space = stat_shm(shm_dir, &error);
  v.needed_bytes = shm_bytes_needed(planned_ranks);
  if (!space) {
    v.ok = false;
    v.ranks_allowed = 0;
    v.message = "cannot read " + shm_dir.string() + " (" + error +
                "): MPI needs a writable tmpfs there; mount one (docker run --shm-size=256m, "
                "compose shm_size: 256m)";
    return v;
  }
  v.total_bytes = space->total_bytes;
  v.free_bytes = space->free_bytes;
  v.stale = find_stale_segments(shm_dir, proc_root);
  int allowed = planned_ranks;
  while (allowed > 1 && shm_bytes_needed(allowed) > v.free_bytes) --allowed;
  v.ranks_allowed = allowed;
  v.ok = shm_bytes_needed(allowed) <= v.free_bytes;
  if (allowed < planned_ranks || !v.ok) {
    v.message = shm_dir.string() + " has " + format_bytes(v.free_bytes) + " free, " +
                std::to_string(planned_ranks) + " NWChem ranks need about " +
                format_bytes(v.needed_bytes) + ": " +
                (v.ok ? "running " + std::to_string(allowed) + (allowed == 1 ? " rank" : " ranks")
                      : std::string("cannot start")) +
                "; raise it (docker run --shm-size=256m, compose shm_size: 256m) or set "
                "QMNMR_RANKS=" + std::to_string(allowed);
  }
  if (!v.stale.empty()) {
    std::uint64_t bytes = 0;
    for (const auto& s : v.stale) bytes += s.bytes;
    if (!v.message.empty()) v.message += "; ";
    v.message += std::to_string(v.stale.size()) + " stale MPI segment(s) in " + shm_dir.string() +
                 " (" + format_bytes(bytes) + ") left by crashed runs, e.g. " +
                 v.stale.front().path.filename().string() + ": remove them";
  }
  return v;
}

}  // namespace qmnmr::runner
