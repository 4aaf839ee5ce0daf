// Reads the CPU and memory limits that the cgroups of this process impose, from a cgroup
// filesystem whose root is a parameter (tests point it at fixture trees under
// tests/fixtures/cgroupfs/). Knows cgroup v1 (one mount per controller) and v2 (unified).
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qmnmr::runner {

// One line of /proc/<pid>/cgroup: "4:memory:/a/b" or v2's "0::/a/b".
struct ProcCgroupEntry {
  int hierarchy = 0;
  std::vector<std::string> controllers;  // empty for the v2 line
  std::string path;                       // "/a/b"
};

// What the cgroups allow. Each limit is the tightest over the leaf and all its ancestors up
// to the root of the mount; every figure carries the file it came from.
//
// Reading rules:
//  - v2 when <root>/cgroup.controllers exists (the unified layout), else v1 with one
//    directory per controller (<root>/cpu or <root>/cpu,cpuacct, <root>/memory,
//    <root>/cpuset). A hybrid host's <root>/unified (v2 without controllers) is ignored.
//  - CPU quota: v2 cpu.max "<quota> <period>" ("max" = none); v1 cpu.cfs_quota_us /
//    cpu.cfs_period_us (-1 = none). A zero or missing period ignores that level, with a note.
//  - memory: v2 the smaller of memory.max and memory.high ("max" = none); v1
//    memory.limit_in_bytes, where any value >= 2^62 (the kernel's 9223372036854771712)
//    means none.
//  - cpuset: the leaf-most cpuset.cpus.effective / cpuset.effective_cpus / cpuset.cpus.
//  - the cgroup path from /proc/self/cgroup may not exist under the mount (a container
//    with a cgroup namespace or the leaf bind-mounted at the root): then the mount root
//    is read instead, with a note.
struct CgroupLimits {
  int version = 0;  // 0: no cgroup filesystem found, 1, 2

  std::optional<double> cpu_quota;  // in CPUs, e.g. 1.5
  std::string cpu_quota_source;     // "cpu.cfs_quota_us=150000 / cpu.cfs_period_us=100000 at <dir>"

  std::optional<int> cpuset_cpus;  // number of CPUs in the cpuset
  std::string cpuset_source;

  std::optional<std::uint64_t> memory_bytes;
  std::string memory_source;

  std::vector<std::string> notes;  // what was ignored or worked around, and why
};

// Parses /proc/<pid>/cgroup text. Malformed lines are skipped.
std::vector<ProcCgroupEntry> parse_proc_cgroup(std::string_view text);

// Counts the CPUs in a kernel CPU list ("0-3,8,10-11" -> 7); nullopt when malformed or empty.
std::optional<int> count_cpu_list(std::string_view text);

// Parses a memory limit file's value: "max" and v1's "unlimited" value (>= 2^62) are nullopt.
// Throws std::invalid_argument when the text is not a number.
std::optional<std::uint64_t> parse_memory_limit(std::string_view text);

// Reads the limits of the process whose /proc/<pid>/cgroup text is given, from the cgroup
// filesystem mounted at cgroup_root. Never throws for missing or unreadable files: they are
// absent limits (with a note when something looked wrong).
CgroupLimits read_cgroup_limits(const std::filesystem::path& cgroup_root,
                                std::string_view proc_self_cgroup);

}  // namespace qmnmr::runner
