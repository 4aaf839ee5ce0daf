// ToolRunner: programs of a job through the supervisor, NWChem through MPI.
#include "runner/tool_runner.h"

#include <unistd.h>

#include <chrono>

#include <spdlog/spdlog.h>

#include "runner/mpi_launch.h"
#include "runner/shm_check.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;

ToolRunner::ToolRunner(ToolContext context) : context_(std::move(context)) {
  if (!context_.log) context_.log = spdlog::default_logger();
  ranks_ = context_.plan.ranks;
}

fs::path ToolRunner::run(const std::string& log_name, const std::vector<std::string>& argv,
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
  auto on_start = [this](pid_t pid) {
    if (context_.on_child) context_.on_child(pid);
  };
  std::string line;
  for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
  context_.log->info("running {} (in {})", line, cwd.string());
  auto outcome = container::run_process(spec, context_.should_stop, on_start);
  if (context_.on_child) context_.on_child(0);
  context_.log->info("{}", outcome.describe());
  using Kind = container::Outcome::Kind;
  if (outcome.kind == Kind::stopped)
    throw JobInterrupted(argv.front() + " was stopped on request");
  if (!outcome.ok()) {
    std::string why = outcome.kind == Kind::failed_to_start ? outcome.error : outcome.describe();
    throw ToolError(argv.front() + " failed: " + why + " (log: " + spec.stdout_path.string() +
                    ")");
  }
  return spec.stdout_path;
}

fs::path ToolRunner::run_nwchem(const std::string& log_name, const fs::path& input) {
  // The /dev/shm check, before MPI starts, for the ranks this node runs: reduce them or
  // refuse. With too little room for its share of a multi-node plan, NWChem runs here only.
  auto verdict = check_shm(context_.shm_dir, context_.plan.local_ranks());
  if (!verdict.stale.empty())
    context_.log->warn("{} stale shared-memory segment(s) in {} left by crashed runs",
                       verdict.stale.size(), context_.shm_dir.string());
  if (!verdict.ok) throw ToolError(verdict.message);
  const ResourcePlan plan = fit_to_shm(context_.plan, verdict.ranks_allowed);
  if (plan.ranks < context_.plan.ranks && ranks_ != plan.ranks)
    context_.log->warn("{}", verdict.message);
  ranks_ = plan.ranks;
  auto mode = context_.mpi_launcher == "srun" ? LaunchMode::srun : LaunchMode::mpirun;
  auto argv = nwchem_launch_argv(plan, input.filename(), mode);
  return run(log_name, argv, input.parent_path(), mpi_environment(plan, ::geteuid() == 0));
}

std::map<std::string, std::string> ToolRunner::openmp_environment() const {
  auto t = std::to_string(context_.plan.omp_threads);
  return {{"OMP_NUM_THREADS", t + ",1"},
          {"OPENBLAS_NUM_THREADS", "1"},
          {"MKL_NUM_THREADS", t},
          {"OMP_MAX_ACTIVE_LEVELS", "1"},
          {"OMP_STACKSIZE", "2G"}};
}

}  // namespace qmnmr::runner
