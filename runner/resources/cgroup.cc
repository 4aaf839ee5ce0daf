// Reads cgroup v1/v2 CPU quota, cpuset and memory limits by walking from the process's
// cgroup up to the root of the mount and keeping the tightest value.
#include "runner/resources/cgroup.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace qmnmr::runner {
namespace fs = std::filesystem;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' ||
                        s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' ||
                        s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

template <typename T>
std::optional<T> to_number(std::string_view s) {
  s = trim(s);
  T value{};
  const auto* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, value);
  if (s.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

// The file's first line, trimmed; nullopt when it cannot be read.
std::optional<std::string> read_value(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  std::string line;
  std::getline(in, line);
  if (in.bad()) return std::nullopt;
  return std::string(trim(line));
}

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

bool path_exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

// Directories from the cgroup's leaf up to the mount root (inclusive), existing ones only.
std::vector<fs::path> walk_up(const fs::path& mount, const std::string& cg_path,
                              std::vector<std::string>& notes, const std::string& what) {
  fs::path rel = fs::path(cg_path).relative_path();
  fs::path leaf = rel.empty() ? mount : mount / rel;
  std::vector<fs::path> dirs;
  if (!is_dir(leaf)) {
    notes.push_back(what + ": cgroup path " + cg_path + " not found under " + mount.string() +
                    "; read the nearest existing ancestor (the mount root inside a container)");
  }
  while (true) {
    if (is_dir(leaf)) dirs.push_back(leaf);
    if (rel.empty()) break;
    rel = rel.parent_path();
    leaf = rel.empty() ? mount : mount / rel;
  }
  return dirs;
}

// The v1 mount directory of a controller ("cpu" may be mounted as "cpu,cpuacct").
std::optional<fs::path> v1_mount(const fs::path& root, const ProcCgroupEntry& entry,
                                 const std::string& controller) {
  std::string joined;
  for (const auto& c : entry.controllers) joined += (joined.empty() ? "" : ",") + c;
  for (const auto& name : {joined, controller}) {
    if (!name.empty() && is_dir(root / name)) return root / name;
  }
  return std::nullopt;
}

const ProcCgroupEntry* find_v1(const std::vector<ProcCgroupEntry>& entries,
                               const std::string& controller) {
  for (const auto& e : entries) {
    for (const auto& c : e.controllers) {
      if (c == controller) return &e;
    }
  }
  return nullptr;
}

std::string fmt_cpus(double cpus) {
  std::ostringstream os;
  os << cpus;
  return os.str();
}

// Applies one CPU quota reading if it is tighter than the current one.
void offer_quota(CgroupLimits& out, double cpus, const std::string& source) {
  if (!out.cpu_quota || cpus < *out.cpu_quota) {
    out.cpu_quota = cpus;
    out.cpu_quota_source = source + " (" + fmt_cpus(cpus) + " CPUs)";
  }
}

void offer_memory(CgroupLimits& out, std::uint64_t bytes, const std::string& source) {
  if (!out.memory_bytes || bytes < *out.memory_bytes) {
    out.memory_bytes = bytes;
    out.memory_source = source;
  }
}

// Reads a memory file at dir; bad content becomes a note.
void read_memory_file(CgroupLimits& out, const fs::path& dir, const char* name) {
  const auto text = read_value(dir / name);
  if (!text) return;
  try {
    if (const auto bytes = parse_memory_limit(*text)) {
      offer_memory(out, *bytes, std::string(name) + "=" + *text + " at " + dir.string());
    }
  } catch (const std::invalid_argument&) {
    out.notes.push_back(std::string(name) + " at " + dir.string() + " holds '" + *text +
                        "', not a number: ignored");
  }
}

void read_cpuset(CgroupLimits& out, const std::vector<fs::path>& dirs,
                 std::initializer_list<const char*> names) {
  for (const auto& dir : dirs) {  // leaf first: the nearest cpuset is the one in force
    for (const char* name : names) {
      const auto text = read_value(dir / name);
      if (!text || text->empty()) continue;  // v2: empty cpuset.cpus inherits the parent's
      if (const auto n = count_cpu_list(*text)) {
        out.cpuset_cpus = *n;
        out.cpuset_source = std::string(name) + "=" + *text + " at " + dir.string();
        return;
      }
      out.notes.push_back(std::string(name) + " at " + dir.string() + " holds '" + *text +
                          "', not a CPU list: ignored");
    }
  }
}

void read_v2(const fs::path& root, const std::vector<ProcCgroupEntry>& entries,
             CgroupLimits& out) {
  out.version = 2;
  std::string path = "/";
  for (const auto& e : entries) {
    if (e.hierarchy == 0 && e.controllers.empty()) path = e.path;
  }
  const auto dirs = walk_up(root, path, out.notes, "cgroup v2");
  for (const auto& dir : dirs) {
    if (const auto text = read_value(dir / "cpu.max")) {
      const auto parts = split(*text, ' ');
      if (parts.size() != 2) {
        out.notes.push_back("cpu.max at " + dir.string() + " holds '" + *text +
                            "', expected '<quota> <period>': ignored");
      } else if (parts[0] != "max") {
        const auto quota = to_number<std::int64_t>(parts[0]);
        const auto period = to_number<std::int64_t>(parts[1]);
        if (!quota || !period || *quota <= 0) {
          out.notes.push_back("cpu.max at " + dir.string() + " holds '" + *text +
                              "', not '<quota> <period>': ignored");
        } else if (*period <= 0) {
          out.notes.push_back("cpu.max at " + dir.string() + " has period " +
                              std::string(parts[1]) + ": a zero period sets no quota, ignored");
        } else {
          offer_quota(out, static_cast<double>(*quota) / static_cast<double>(*period),
                      "cpu.max='" + *text + "' at " + dir.string());
        }
      }
    }
    read_memory_file(out, dir, "memory.max");
    read_memory_file(out, dir, "memory.high");
  }
  read_cpuset(out, dirs, {"cpuset.cpus.effective", "cpuset.cpus"});
}

void read_v1(const fs::path& root, const std::vector<ProcCgroupEntry>& entries,
             CgroupLimits& out) {
  bool any = false;
  if (const auto* e = find_v1(entries, "cpu")) {
    if (const auto mount = v1_mount(root, *e, "cpu")) {
      any = true;
      for (const auto& dir : walk_up(*mount, e->path, out.notes, "cgroup v1 cpu")) {
        const auto quota_text = read_value(dir / "cpu.cfs_quota_us");
        if (!quota_text) continue;
        const auto quota = to_number<std::int64_t>(*quota_text);
        if (!quota) {
          out.notes.push_back("cpu.cfs_quota_us at " + dir.string() + " holds '" +
                              *quota_text + "', not a number: ignored");
          continue;
        }
        if (*quota <= 0) continue;  // -1: no quota at this level
        const auto period_text = read_value(dir / "cpu.cfs_period_us");
        const auto period = period_text ? to_number<std::int64_t>(*period_text) : std::nullopt;
        if (!period || *period <= 0) {
          out.notes.push_back("cpu.cfs_period_us at " + dir.string() + " is " +
                              (period_text ? "'" + *period_text + "'" : "missing") +
                              ": a quota without a positive period is ignored");
          continue;
        }
        offer_quota(out, static_cast<double>(*quota) / static_cast<double>(*period),
                    "cpu.cfs_quota_us=" + *quota_text + " / cpu.cfs_period_us=" + *period_text +
                        " at " + dir.string());
      }
    }
  }
  if (const auto* e = find_v1(entries, "memory")) {
    if (const auto mount = v1_mount(root, *e, "memory")) {
      any = true;
      for (const auto& dir : walk_up(*mount, e->path, out.notes, "cgroup v1 memory")) {
        read_memory_file(out, dir, "memory.limit_in_bytes");
      }
    }
  }
  if (const auto* e = find_v1(entries, "cpuset")) {
    if (const auto mount = v1_mount(root, *e, "cpuset")) {
      any = true;
      read_cpuset(out, walk_up(*mount, e->path, out.notes, "cgroup v1 cpuset"),
                  {"cpuset.effective_cpus", "cpuset.cpus"});
    }
  }
  out.version = any ? 1 : 0;
}

}  // namespace

std::vector<ProcCgroupEntry> parse_proc_cgroup(std::string_view text) {
  std::vector<ProcCgroupEntry> out;
  for (auto line : split(text, '\n')) {
    line = trim(line);
    if (line.empty()) continue;
    const auto first = line.find(':');
    if (first == std::string_view::npos) continue;
    const auto second = line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    const auto id = to_number<int>(line.substr(0, first));
    if (!id) continue;
    ProcCgroupEntry e;
    e.hierarchy = *id;
    const auto ctl = line.substr(first + 1, second - first - 1);
    if (!ctl.empty()) {
      for (auto c : split(ctl, ',')) {
        if (c.rfind("name=", 0) == 0) continue;  // named hierarchies (systemd) carry no limits
        if (!c.empty()) e.controllers.emplace_back(c);
      }
      if (e.controllers.empty()) continue;
    }
    e.path = std::string(line.substr(second + 1));
    if (e.path.empty() || e.path.front() != '/') continue;
    out.push_back(std::move(e));
  }
  return out;
}

std::optional<int> count_cpu_list(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  int count = 0;
  for (auto part : split(text, ',')) {
    part = trim(part);
    const auto dash = part.find('-');
    if (dash == std::string_view::npos) {
      if (!to_number<int>(part)) return std::nullopt;
      ++count;
    } else {
      const auto lo = to_number<int>(part.substr(0, dash));
      const auto hi = to_number<int>(part.substr(dash + 1));
      if (!lo || !hi || *hi < *lo || *lo < 0) return std::nullopt;
      count += *hi - *lo + 1;
    }
  }
  return count;
}

std::optional<std::uint64_t> parse_memory_limit(std::string_view text) {
  text = trim(text);
  if (text == "max") return std::nullopt;
  const auto value = to_number<std::uint64_t>(text);
  if (!value) {
    // v1 may print -1 on some kernels for "unlimited"
    if (text == "-1") return std::nullopt;
    throw std::invalid_argument("not a memory limit: '" + std::string(text) + "'");
  }
  if (*value >= (std::uint64_t{1} << 62)) return std::nullopt;
  return *value;
}

CgroupLimits read_cgroup_limits(const fs::path& cgroup_root, std::string_view proc_self_cgroup) {
  CgroupLimits out;
  const auto entries = parse_proc_cgroup(proc_self_cgroup);
  if (!is_dir(cgroup_root)) {
    out.notes.push_back("no cgroup filesystem at " + cgroup_root.string());
    return out;
  }
  if (path_exists(cgroup_root / "cgroup.controllers")) {
    read_v2(cgroup_root, entries, out);
  } else {
    read_v1(cgroup_root, entries, out);
    if (out.version == 0) {
      out.notes.push_back("no cgroup v1 cpu/memory/cpuset mount and no v2 cgroup.controllers "
                          "under " + cgroup_root.string());
    }
  }
  return out;
}

}  // namespace qmnmr::runner
