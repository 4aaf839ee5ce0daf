// Builds the NWChem launcher argv and environment from the plan's ranks and threads.
#include "runner/mpi_launch.h"

#include <algorithm>

namespace qmnmr::runner {

namespace {
constexpr const char* kOmpStacksize = "64M";
}

LaunchMode launch_mode_for(const std::map<std::string, std::string>& env) {
  const auto it = env.find("SLURM_JOB_ID");
  return it != env.end() && !it->second.empty() ? LaunchMode::srun : LaunchMode::mpirun;
}

std::vector<std::string> nwchem_launch_argv(const ResourcePlan& plan,
                                            const std::filesystem::path& input, LaunchMode mode,
                                            const std::string& nwchem) {
  const std::string ranks = std::to_string(std::max(1, plan.ranks));
  const std::string threads = std::to_string(std::max(1, plan.threads_per_rank));
  if (mode == LaunchMode::srun) {
    return {"srun", "--mpi=pmix", "-n", ranks, "--cpus-per-task=" + threads, nwchem,
            input.string()};
  }
  return {"mpirun",
          "-n", ranks,
          "--bind-to", "none",
          "-x", "OMP_NUM_THREADS=" + threads,
          "-x", "OPENBLAS_NUM_THREADS=" + threads,
          "-x", "MKL_NUM_THREADS=" + threads,
          "-x", std::string("OMP_STACKSIZE=") + kOmpStacksize,
          nwchem,
          input.string()};
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
