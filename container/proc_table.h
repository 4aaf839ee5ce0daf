// scan_processes: every process of this pid namespace as /proc/<pid>/stat
// describes it (state, parent, group, session). The reaper looks for zombie
// children in it, the supervisor for what is left of a session.
#pragma once
#include <sys/types.h>

#include <vector>

namespace qmnmr::container {

struct ProcStat {
  pid_t pid = 0;
  char state = 0;  // R, S, Z, ...
  pid_t ppid = 0, pgid = 0, session = 0;
};

// Processes that vanish while being read are left out.
std::vector<ProcStat> scan_processes();

}  // namespace qmnmr::container
