// ToolRunner: how a job's stages run external programs. Every program goes
// through container::run_process with the job's logs folder, the resource
// plan's threads, the worker's stop request and the heartbeat's child pid;
// NWChem additionally gets the /dev/shm check and the MPI launch line.
#pragma once
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "container/supervisor.h"
#include "runner/resource_plan.h"

namespace qmnmr::runner {

// The stop request reached a running program: the job must be put back
// (worker) or left resumable (run), never marked failed.
class JobInterrupted : public std::runtime_error {
 public:
  explicit JobInterrupted(const std::string& what) : std::runtime_error(what) {}
};

// A program failed: the message says which, how, and where its log is.
class ToolError : public std::runtime_error {
 public:
  explicit ToolError(const std::string& what) : std::runtime_error(what) {}
};

struct ToolContext {
  ResourcePlan plan;
  std::filesystem::path logs_dir;                // the job's logs/
  std::filesystem::path shm_dir = "/dev/shm";
  std::string mpi_launcher = "mpirun";            // mpirun | srun
  double step_timeout_seconds = 0;                // 0 = none
  std::function<bool()> should_stop;              // polled while a program runs
  std::function<bool()> may_start;                // false: start no new program (draining)
  std::function<void(pid_t)> on_child;            // a program started (pid), or ended (0)
  std::shared_ptr<spdlog::logger> log;
};

class ToolRunner {
 public:
  explicit ToolRunner(ToolContext context);

  // Runs argv in cwd; stdout/stderr go to logs/<log_name>.out / .err.
  // Returns the captured stdout path. Throws JobInterrupted or ToolError.
  std::filesystem::path run(const std::string& log_name, const std::vector<std::string>& argv,
                            const std::filesystem::path& cwd,
                            const std::map<std::string, std::string>& env_overrides = {});

  // Runs NWChem on `input` (in its folder) with the plan's ranks after the
  // /dev/shm check; returns the output file's path.
  std::filesystem::path run_nwchem(const std::string& log_name, const std::filesystem::path& input);

  // The environment xTB and CREST need: threads from the plan, OMP_STACKSIZE.
  std::map<std::string, std::string> openmp_environment() const;

  // Ranks that NWChem runs get (the plan, reduced by the /dev/shm check).
  int nwchem_ranks() const { return ranks_; }
  const ToolContext& context() const { return context_; }

 private:
  ToolContext context_;
  int ranks_ = 1;
};

}  // namespace qmnmr::runner
