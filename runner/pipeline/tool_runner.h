// ToolRunner: the small interface through which the pipeline's stages reach
// external programs, and ProcessToolRunner, its real implementation: every
// program through container::run_process with the job's logs folder, the
// resource plan's threads, the worker's stop request and the heartbeat's
// child pid; NWChem additionally through the /dev/shm check and the MPI launch
// line. Tests replace it with a fake that replays captured outputs
// (tests/support/fake_tool_runner.h), the way ninja tests its build logic
// through a fake CommandRunner.
#pragma once
#include <filesystem>
#include <functional>
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "container/supervisor.h"
#include "runner/resources/resource_plan.h"

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
  // A program started (running true) or ended; with packed slots several run at once.
  std::function<void(pid_t, bool running)> on_child;
  std::optional<int> slots;                       // --slots / config: force the packing
  std::filesystem::path run_cache_dir;            // finished NWChem runs (run_cache.h); empty: off
  std::shared_ptr<spdlog::logger> log;
};

// What one program run left: its captured output files and how it ended.
// A program that ran and failed is a ToolRun too; the caller reads its output
// to say why (NWChem exits 255 for every failure, its output tells which).
struct ToolRun {
  std::filesystem::path stdout_path;
  std::filesystem::path stderr_path;
  container::Outcome outcome;
  int ranks = 1;  // MPI ranks the run had (1 for programs without MPI)

  bool ok() const { return outcome.ok(); }
  // True when the wall-clock limit or a signal not sent by us ended it.
  bool timed_out() const { return outcome.kind == container::Outcome::Kind::timed_out; }
  bool signalled() const { return outcome.kind == container::Outcome::Kind::signalled; }
};

class ToolRunner {
 public:
  virtual ~ToolRunner() = default;

  // Runs argv in cwd; stdout/stderr go to logs/<log_name>.out / .err. Throws
  // JobInterrupted when stopped (or draining) and ToolError when the program
  // could not start; any other ending is returned for the caller to judge.
  virtual ToolRun run(const std::string& log_name, const std::vector<std::string>& argv,
                      const std::filesystem::path& cwd,
                      const std::map<std::string, std::string>& env_overrides = {}) = 0;

  // Runs NWChem on `input` (in its folder) with the plan's ranks, or at most
  // `max_ranks` when given (a packed slot's ranks), after the /dev/shm check.
  // Safe to call from several threads at once.
  virtual ToolRun run_nwchem(const std::string& log_name, const std::filesystem::path& input,
                             std::optional<int> max_ranks = std::nullopt) = 0;

  virtual const ToolContext& context() const = 0;

  // Where the next runs' logs go (each stereoisomer of a job has its own logs/).
  virtual void set_logs_dir(const std::filesystem::path& logs_dir) = 0;

  // The environment xTB and CREST need: threads from the plan, OMP_STACKSIZE.
  std::map<std::string, std::string> openmp_environment() const;
  // The job's log (the context's, else spdlog's default).
  std::shared_ptr<spdlog::logger> log() const;
};

// The real thing: programs through the supervisor.
class ProcessToolRunner final : public ToolRunner {
 public:
  explicit ProcessToolRunner(ToolContext context);
  ToolRun run(const std::string& log_name, const std::vector<std::string>& argv,
              const std::filesystem::path& cwd,
              const std::map<std::string, std::string>& env_overrides = {}) override;
  ToolRun run_nwchem(const std::string& log_name, const std::filesystem::path& input,
                     std::optional<int> max_ranks = std::nullopt) override;
  const ToolContext& context() const override { return context_; }
  void set_logs_dir(const std::filesystem::path& logs_dir) override {
    context_.logs_dir = logs_dir;
  }

 private:
  ToolContext context_;
  std::atomic<int> ranks_{1};  // ranks /dev/shm allowed last time (warn once per change)
};

}  // namespace qmnmr::runner
