// How NWChem's MPI ranks are started from a ResourcePlan: the launcher's argv (mpirun, or
// srun inside a SLURM allocation) and the environment every rank gets. Never oversubscribes:
// the rank count is the plan's, and no --oversubscribe flag is ever produced.
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "runner/resources/resource_plan.h"

namespace qmnmr::runner {

enum class LaunchMode { mpirun, srun };

// srun inside a SLURM allocation (SLURM_JOB_ID set), mpirun otherwise.
LaunchMode launch_mode_for(const std::map<std::string, std::string>& env);

// The plan to launch when /dev/shm holds only `ranks_allowed` ranks on this node: unchanged
// when this node's ranks fit; else that many ranks, on this node alone.
ResourcePlan fit_to_shm(const ResourcePlan& plan, int ranks_allowed);

// Across nodes (plan.nodes > 1) mpirun adds --map-by ppr:<ranks per node>:node and srun
// --nodes=<n> --ntasks-per-node=<ranks per node>.
// mpirun: mpirun -n <ranks> --bind-to none -x OMP_NUM_THREADS=<t> -x OPENBLAS_NUM_THREADS=<t>
//         -x MKL_NUM_THREADS=<t> -x OMP_STACKSIZE=<s> <nwchem> <input>
// srun:   srun --mpi=pmix -n <ranks> --cpus-per-task=<t> <nwchem> <input>
// --bind-to none: the cgroup and affinity already confine the ranks, and binding to cores
// that a quota shares would pin two ranks' threads to one core.
std::vector<std::string> nwchem_launch_argv(const ResourcePlan& plan,
                                            const std::filesystem::path& input, LaunchMode mode,
                                            const std::string& nwchem = "nwchem");

// Variables to add to the launcher's environment: the thread counts (OMP_NUM_THREADS,
// OPENBLAS_NUM_THREADS, MKL_NUM_THREADS = plan.threads_per_rank), OMP_STACKSIZE, and when
// running as root OMPI_ALLOW_RUN_AS_ROOT=1 / OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1.
std::map<std::string, std::string> mpi_environment(const ResourcePlan& plan, bool as_root);

}  // namespace qmnmr::runner
