// Tests the NWChem launcher argv and environment built from a plan.
#include "runner/resources/mpi_launch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace qmnmr::runner {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;

ResourcePlan plan_with(int ranks, int threads) {
  ResourcePlan p;
  p.cpus = ranks * threads;
  p.ranks = ranks;
  p.threads_per_rank = threads;
  return p;
}

TEST(MpiLaunch, MpirunArgv) {
  const auto argv = nwchem_launch_argv(plan_with(2, 1), "/job/scratch/in.nw", LaunchMode::mpirun);
  EXPECT_THAT(argv, ElementsAre("mpirun", "-n", "2", "--bind-to", "none", "-x",
                                "OMP_NUM_THREADS=1", "-x", "OPENBLAS_NUM_THREADS=1", "-x",
                                "MKL_NUM_THREADS=1", "-x", "OMP_STACKSIZE=64M", "nwchem",
                                "/job/scratch/in.nw"));
  EXPECT_THAT(argv, Not(Contains("--oversubscribe")));
}

TEST(MpiLaunch, ThreadsFollowThePlan) {
  const auto argv = nwchem_launch_argv(plan_with(1, 2), "in.nw", LaunchMode::mpirun, "/opt/nw");
  EXPECT_THAT(argv, Contains("OMP_NUM_THREADS=2"));
  EXPECT_THAT(argv, Contains("OPENBLAS_NUM_THREADS=2"));
  EXPECT_EQ(argv[argv.size() - 2], "/opt/nw");
}

TEST(MpiLaunch, SrunArgv) {
  EXPECT_THAT(nwchem_launch_argv(plan_with(4, 1), "in.nw", LaunchMode::srun),
              ElementsAre("srun", "--mpi=pmix", "-n", "4", "--cpus-per-task=1", "nwchem",
                          "in.nw"));
}

TEST(MpiLaunch, AcrossNodesEachNodeTakesItsShare) {
  auto p = plan_with(8, 1);
  p.nodes = 2;
  p.ranks_per_node = 4;
  const auto argv = nwchem_launch_argv(p, "in.nw", LaunchMode::mpirun);
  EXPECT_THAT(argv, ElementsAre("mpirun", "-n", "8", "--map-by", "ppr:4:node", "--bind-to",
                                "none", "-x", "OMP_NUM_THREADS=1", "-x", "OPENBLAS_NUM_THREADS=1",
                                "-x", "MKL_NUM_THREADS=1", "-x", "OMP_STACKSIZE=64M", "nwchem",
                                "in.nw"));
  EXPECT_THAT(nwchem_launch_argv(p, "in.nw", LaunchMode::srun),
              ElementsAre("srun", "--mpi=pmix", "-n", "8", "--nodes=2", "--ntasks-per-node=4",
                          "--cpus-per-task=1", "nwchem", "in.nw"));
}

TEST(MpiLaunch, FitToShmKeepsWhatFitsElseRunsOnThisNodeOnly) {
  auto one_node = plan_with(2, 1);
  EXPECT_EQ(fit_to_shm(one_node, 2).ranks, 2);
  EXPECT_EQ(fit_to_shm(one_node, 1).ranks, 1);

  auto spread = plan_with(8, 1);
  spread.nodes = 2;
  spread.ranks_per_node = 4;
  auto kept = fit_to_shm(spread, 4);  // this node's 4 fit: all 8 on both nodes
  EXPECT_EQ(kept.ranks, 8);
  EXPECT_EQ(kept.nodes, 2);
  auto local = fit_to_shm(spread, 3);  // they do not: 3 here only
  EXPECT_EQ(local.ranks, 3);
  EXPECT_EQ(local.nodes, 1);
  EXPECT_EQ(local.local_ranks(), 3);
  EXPECT_THAT(nwchem_launch_argv(local, "in.nw", LaunchMode::mpirun), Not(Contains("--map-by")));
}

TEST(MpiLaunch, ModeFromEnvironment) {
  EXPECT_EQ(launch_mode_for({{"SLURM_JOB_ID", "12"}}), LaunchMode::srun);
  EXPECT_EQ(launch_mode_for({}), LaunchMode::mpirun);
  EXPECT_EQ(launch_mode_for({{"SLURM_JOB_ID", ""}}), LaunchMode::mpirun);
}

TEST(MpiLaunch, Environment) {
  auto env = mpi_environment(plan_with(1, 3), false);
  EXPECT_EQ(env.at("OMP_NUM_THREADS"), "3");
  EXPECT_EQ(env.at("OPENBLAS_NUM_THREADS"), "3");
  EXPECT_EQ(env.count("OMPI_ALLOW_RUN_AS_ROOT"), 0u);
  env = mpi_environment(plan_with(1, 1), true);
  EXPECT_EQ(env.at("OMPI_ALLOW_RUN_AS_ROOT"), "1");
  EXPECT_EQ(env.at("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"), "1");
}

}  // namespace
}  // namespace qmnmr::runner
