// ProcessToolRunner: programs of a job through the supervisor, NWChem through MPI.
#include "runner/pipeline/tool_runner.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "runner/resources/mpi_launch.h"
#include "runner/resources/shm_check.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;

std::map<std::string, std::string> ToolRunner::openmp_environment() const {
  auto t = std::to_string(context().plan.omp_threads);
  return {{"OMP_NUM_THREADS", t + ",1"},
          {"OPENBLAS_NUM_THREADS", "1"},
          {"MKL_NUM_THREADS", t},
          {"OMP_MAX_ACTIVE_LEVELS", "1"},
          {"OMP_STACKSIZE", "2G"}};
}

std::shared_ptr<spdlog::logger> ToolRunner::log() const {
  return context().log ? context().log : spdlog::default_logger();
}

ProcessToolRunner::ProcessToolRunner(ToolContext context) : context_(std::move(context)) {
  if (!context_.log) context_.log = spdlog::default_logger();
  ranks_ = context_.plan.ranks;
}

ToolRun ProcessToolRunner::run(const std::string& log_name, const std::vector<std::string>& argv,
                               const fs::path& cwd, const std::map<std::string, std::string>& env) {
  if (context_.should_stop && context_.should_stop())
    throw JobInterrupted("stop requested before " + argv.front() + " started");
  if (context_.may_start && !context_.may_start())
    throw JobInterrupted("draining: " + argv.front() + " not started");
  fs::create_directories(context_.logs_dir);
  container::ProcessSpec spec;
  spec.argv = argv;
  spec.cwd = cwd;
  spec.env = container::current_environment(env);
  spec.stdout_path = context_.logs_dir / (log_name + ".out");
  spec.stderr_path = context_.logs_dir / (log_name + ".err");
  if (context_.step_timeout_seconds > 0)
    spec.timeout = std::chrono::milliseconds(
        static_cast<long long>(context_.step_timeout_seconds * 1000));
  pid_t child = 0;
  auto on_start = [this, &child](pid_t pid) {
    child = pid;
    if (context_.on_child) context_.on_child(pid, true);
  };
  std::string line;
  for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
  context_.log->info("running {} (in {})", line, cwd.string());
  ToolRun result;
  result.stdout_path = spec.stdout_path;
  result.stderr_path = spec.stderr_path;
  result.outcome = container::run_process(spec, context_.should_stop, on_start);
  if (context_.on_child && child > 0) context_.on_child(child, false);
  context_.log->info("{}", result.outcome.describe());
  using Kind = container::Outcome::Kind;
  if (result.outcome.kind == Kind::stopped)
    throw JobInterrupted(argv.front() + " was stopped on request");
  if (result.outcome.kind == Kind::failed_to_start)
    throw ToolError(argv.front() + " could not start: " + result.outcome.error);
  return result;
}

ToolRun ProcessToolRunner::run_nwchem(const std::string& log_name, const fs::path& input,
                                      std::optional<int> max_ranks) {
  // The /dev/shm check, before MPI starts, for the ranks this node runs: reduce them or
  // refuse. With too little room for its share of a multi-node plan, NWChem runs here only.
  auto verdict = check_shm(context_.shm_dir, context_.plan.local_ranks());
  if (!verdict.stale.empty())
    context_.log->warn("{} stale shared-memory segment(s) in {} left by crashed runs",
                       verdict.stale.size(), context_.shm_dir.string());
  if (!verdict.ok) throw ToolError(verdict.message);
  ResourcePlan plan = fit_to_shm(context_.plan, verdict.ranks_allowed);
  if (ranks_.exchange(plan.ranks) != plan.ranks && plan.ranks < context_.plan.ranks)
    context_.log->warn("{}", verdict.message);
  if (max_ranks && *max_ranks < plan.ranks) plan = fit_to_shm(plan, std::max(1, *max_ranks));
  auto mode = context_.mpi_launcher == "srun" ? LaunchMode::srun : LaunchMode::mpirun;
  auto argv = nwchem_launch_argv(plan, input.filename(), mode);
  ToolRun result = run(log_name, argv, input.parent_path(), mpi_environment(plan, ::geteuid() == 0));
  result.ranks = plan.ranks;
  return result;
}

}  // namespace qmnmr::runner
