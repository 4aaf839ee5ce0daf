// scan_processes: a pass over /proc/<pid>/stat.
#include "container/proc_table.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace qmnmr::container {

std::vector<ProcStat> scan_processes() {
  std::vector<ProcStat> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    // Format: pid (comm) state ppid pgrp session ...; comm may hold spaces and ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 1));
    ProcStat p;
    long ppid = 0, pgid = 0, session = 0;
    if (!(rest >> p.state >> ppid >> pgid >> session)) continue;
    p.pid = static_cast<pid_t>(std::stol(name));
    p.ppid = static_cast<pid_t>(ppid);
    p.pgid = static_cast<pid_t>(pgid);
    p.session = static_cast<pid_t>(session);
    out.push_back(p);
  }
  return out;
}

}  // namespace qmnmr::container
