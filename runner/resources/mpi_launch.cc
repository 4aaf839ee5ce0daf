// Builds the NWChem launcher argv and environment from the plan's ranks and threads.
#include "runner/resources/mpi_launch.h"

#include <algorithm>

namespace qmnmr::runner {

namespace {
constexpr const char* kOmpStacksize = "64M";
}

LaunchMode launch_mode_for(const std::map<std::string, std::string>& env) {
  const auto it = env.find("SLURM_JOB_ID");
  return it != env.end() && !it->second.empty() ? LaunchMode::srun : LaunchMode::mpirun;
}

ResourcePlan fit_to_shm(const ResourcePlan& plan, int ranks_allowed) {
  if (ranks_allowed >= plan.local_ranks()) return plan;
  ResourcePlan fitted = plan;
  fitted.ranks = std::max(1, ranks_allowed);
  fitted.nodes = 1;
  fitted.ranks_per_node = fitted.ranks;
  return fitted;
}

std::vector<std::string> nwchem_launch_argv(const ResourcePlan& plan,
                                            const std::filesystem::path& input, LaunchMode mode,
                                            const std::string& nwchem) {
  const std::string ranks = std::to_string(std::max(1, plan.ranks));
  const std::string threads = std::to_string(std::max(1, plan.threads_per_rank));
  // Across nodes each node takes the plan's share, no more (its memory was planned for that).
  const bool spread = plan.nodes > 1;
  const std::string per_node = std::to_string(std::max(1, plan.local_ranks()));
  std::vector<std::string> argv;
  if (mode == LaunchMode::srun) {
    argv = {"srun", "--mpi=pmix", "-n", ranks};
    if (spread)
      argv.insert(argv.end(), {"--nodes=" + std::to_string(plan.nodes),
                               "--ntasks-per-node=" + per_node});
    argv.insert(argv.end(), {"--cpus-per-task=" + threads, nwchem, input.string()});
    return argv;
  }
  argv = {"mpirun", "-n", ranks};
  if (spread) argv.insert(argv.end(), {"--map-by", "ppr:" + per_node + ":node"});
  argv.insert(argv.end(), {"--bind-to", "none",
                           "-x", "OMP_NUM_THREADS=" + threads,
                           "-x", "OPENBLAS_NUM_THREADS=" + threads,
                           "-x", "MKL_NUM_THREADS=" + threads,
                           "-x", std::string("OMP_STACKSIZE=") + kOmpStacksize,
                           nwchem,
                           input.string()});
  return argv;
}

std::map<std::string, std::string> mpi_environment(const ResourcePlan& plan, bool as_root) {
  const std::string threads = std::to_string(std::max(1, plan.threads_per_rank));
  std::map<std::string, std::string> env{
      {"OMP_NUM_THREADS", threads},
      {"OPENBLAS_NUM_THREADS", threads},
      {"MKL_NUM_THREADS", threads},
      {"OMP_STACKSIZE", kOmpStacksize},
  };
  if (as_root) {
    env["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
    env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
  }
  return env;
}

}  // namespace qmnmr::runner
