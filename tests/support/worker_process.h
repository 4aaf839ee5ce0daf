// Test helpers for the worker and queue CLI itests: start the built qmnmr
// binary (fork/exec, argv only, its own process group), run a CLI command to
// the end, and find the processes still working in a folder (/proc).
#pragma once
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qmnmr::worker_testing {

using Env = std::map<std::string, std::string>;

// A running `qmnmr ...` (QMNMR_BINARY) in its own process group, stdout and
// stderr in <log_dir>/<name>.out/.err, in `cwd` when given. The destructor
// kills the group and reaps.
class QmnmrProcess {
 public:
  QmnmrProcess(const std::vector<std::string>& args, const Env& env,
               const std::filesystem::path& log_dir, const std::string& name,
               const std::filesystem::path& cwd = {});
  QmnmrProcess(const QmnmrProcess&) = delete;
  QmnmrProcess& operator=(const QmnmrProcess&) = delete;
  ~QmnmrProcess();

  pid_t pid() const { return pid_; }
  // kill(pid, sig); no-op once reaped.
  void signal(int sig);
  // The exit code (128 + signal when killed), or nullopt when still running
  // after `timeout`.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  bool running();
  std::string out() const;
  std::string err() const;

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int code_ = -1;
  std::filesystem::path out_, err_;
};

struct CliResult {
  int code = -1;
  std::string out, err;
};

// Runs `qmnmr args...` with `env` over the current environment, to the end.
CliResult run_qmnmr(const std::vector<std::string>& args, const Env& env,
                    std::chrono::seconds timeout = std::chrono::seconds(120));

// Polls `done` every `step` until it is true or `timeout` passed.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                std::chrono::milliseconds step = std::chrono::milliseconds(100));

struct ProcInfo {
  pid_t pid = 0, ppid = 0, pgid = 0, sid = 0;
  std::string comm;
  std::filesystem::path cwd;  // empty when unreadable
};

// Live (non-zombie) processes whose working directory is `dir` or below it:
// the programs a job under that folder started, orphans included.
std::vector<ProcInfo> processes_under(const std::filesystem::path& dir);
// Those of processes_under() named `comm` (e.g. "nwchem", "mpirun").
std::vector<ProcInfo> processes_under(const std::filesystem::path& dir, const std::string& comm);
std::string describe(const std::vector<ProcInfo>& procs);

}  // namespace qmnmr::worker_testing
