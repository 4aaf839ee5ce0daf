// Tests the resource plan: reading fixture systems, SLURM variables, overrides and their
// errors, and the pure CPU/memory/shm rules of make_plan().
#include "runner/resources/resource_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/resources/shm_check.h"

namespace qmnmr::runner {
namespace {

using Env = std::map<std::string, std::string>;
using ::testing::HasSubstr;

constexpr std::uint64_t kGiB = 1ULL << 30;
constexpr std::uint64_t kMiB = 1ULL << 20;

const std::filesystem::path kFixtures = std::filesystem::path(QMNMR_FIXTURES_DIR) / "cgroupfs";

SystemRoots roots_for(const std::string& scenario, int affinity = 8) {
  SystemRoots r;
  r.cgroup_root = kFixtures / scenario / "cgroup";
  r.proc_root = kFixtures / scenario / "proc";
  r.shm_dir = testing::TempDir();
  r.affinity_cpus = affinity;
  return r;
}

// Inputs of a fixture system with a roomy /dev/shm, so that only the cgroup rules decide.
PlanInputs inputs_for(const std::string& scenario, const Env& env = {}, int affinity = 8) {
  PlanInputs in = read_plan_inputs(roots_for(scenario, affinity), env);
  in.shm_total_bytes = 64 * kMiB;
  in.shm_free_bytes = 64 * kMiB;
  return in;
}

const Reason* reason(const ResourcePlan& p, const std::string& figure) {
  for (const auto& r : p.reasons) {
    if (r.figure == figure) return &r;
  }
  return nullptr;
}

TEST(ResourcePlan, FractionalQuotaAnd3GiBGiveOneRankUnderTheLimit) {
  const auto p = make_plan(inputs_for("v1_fractional"));
  EXPECT_EQ(p.cpus, 1);
  EXPECT_EQ(p.ranks, 1);
  EXPECT_EQ(p.memory_bytes, 3 * kGiB);
  EXPECT_TRUE(p.ok) << p.refusal;
  EXPECT_GT(p.nwchem_memory_mb_per_rank, 256);
  EXPECT_LT(p.ranks * p.nwchem_memory_mb_per_rank, 3072);
  EXPECT_EQ(p.threads_per_rank, 1);
  EXPECT_EQ(p.omp_threads, 1);
  ASSERT_NE(reason(p, "cpus"), nullptr);
  EXPECT_THAT(reason(p, "cpus")->source, HasSubstr("cpu.cfs_quota_us=150000"));
  EXPECT_THAT(reason(p, "cpus")->source, HasSubstr("rounded down"));
  EXPECT_THAT(reason(p, "memory_bytes")->source, HasSubstr("memory.limit_in_bytes"));
}

TEST(ResourcePlan, JsonHasTheDocumentedKeys) {
  const auto j = make_plan(inputs_for("v1_fractional")).to_json();
  for (const char* key : {"cpus", "memory_bytes", "shm_bytes", "ranks",
                          "nwchem_memory_mb_per_rank", "omp_threads", "threads_per_rank",
                          "reasons", "inputs", "ok"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["ranks"], 1);
  ASSERT_TRUE(j["reasons"].is_array());
  ASSERT_FALSE(j["reasons"].empty());
  EXPECT_TRUE(j["reasons"][0].contains("figure"));
  EXPECT_TRUE(j["reasons"][0].contains("source"));
  EXPECT_TRUE(j["reasons"][0].contains("why"));
  EXPECT_EQ(j["inputs"]["cgroup"]["version"], 1);
}

TEST(ResourcePlan, TextNamesEveryFigure) {
  const auto text = make_plan(inputs_for("v1_fractional")).to_text();
  EXPECT_THAT(text, HasSubstr("ranks"));
  EXPECT_THAT(text, HasSubstr("nwchem_memory_mb_per_rank"));
  EXPECT_THAT(text, HasSubstr("from: "));
}

TEST(ResourcePlan, ParentTighterLimitsTheRanks) {
  const auto p = make_plan(inputs_for("v1_parent_tighter"));
  EXPECT_EQ(p.cpus, 2);
  EXPECT_EQ(p.memory_bytes, 2 * kGiB);
  // 2048 - 256 - 256 - 12 - 2 x 128 = 1268 / 2 = 634 MiB per rank: both ranks fit.
  EXPECT_EQ(p.ranks, 2);
  EXPECT_EQ(p.nwchem_memory_mb_per_rank, 634);
  EXPECT_LT(static_cast<std::uint64_t>(p.ranks * p.nwchem_memory_mb_per_rank) * kMiB +
                p.shm_needed_bytes,
            p.memory_bytes);
}

TEST(ResourcePlan, UnlimitedUsesAffinityAndMemAvailable) {
  const auto p = make_plan(inputs_for("v1_unlimited", {}, 3));
  EXPECT_EQ(p.cpus, 3);
  EXPECT_EQ(p.ranks, 3);
  EXPECT_EQ(p.memory_bytes, 12000000ULL * 1024);  // MemAvailable of the fixture
  EXPECT_THAT(reason(p, "memory_bytes")->source, HasSubstr("MemAvailable"));
  EXPECT_EQ(p.nwchem_memory_mb_per_rank, 2000);  // capped
}

TEST(ResourcePlan, CpusetNarrowerThanQuota) {
  const auto p = make_plan(inputs_for("v2_cpuset_narrow"));
  EXPECT_EQ(p.cpus, 2);
  EXPECT_THAT(reason(p, "cpus")->source, HasSubstr("cpuset"));
}

TEST(ResourcePlan, AffinityNarrowerThanEverything) {
  const auto p = make_plan(inputs_for("v2_max", {}, 1));
  EXPECT_EQ(p.cpus, 1);
  EXPECT_EQ(p.ranks, 1);
  EXPECT_THAT(reason(p, "cpus")->source, HasSubstr("affinity"));
}

TEST(ResourcePlan, V2NestedFractional) {
  const auto p = make_plan(inputs_for("v2_nested"));
  EXPECT_EQ(p.cpus, 1);
  EXPECT_EQ(p.memory_bytes, 3 * kGiB);
  EXPECT_EQ(p.ranks, 1);
}

TEST(ResourcePlan, ZeroPeriodFallsBackToAffinity) {
  const auto p = make_plan(inputs_for("v2_zero_period", {}, 2));
  EXPECT_EQ(p.cpus, 2);
  const auto p1 = make_plan(inputs_for("v1_zero_period", {}, 2));
  EXPECT_EQ(p1.cpus, 2);
  // 1 GiB: 1024 - 256 - 256 - 12 - 256 = 244 / 2 < 256, so one rank: 1024-256-256-128 = 384.
  EXPECT_EQ(p1.ranks, 1);
  EXPECT_EQ(p1.nwchem_memory_mb_per_rank, 384);
  EXPECT_THAT(reason(p1, "ranks")->why, HasSubstr("floor"));
  EXPECT_EQ(p1.threads_per_rank, 2);  // the spare CPU goes to the rank's threads
}

TEST(ResourcePlan, TooLittleMemoryRefuses) {
  const auto p = make_plan(inputs_for("v2_tiny_memory"));
  EXPECT_EQ(p.ranks, 1);
  EXPECT_FALSE(p.ok);
  EXPECT_THAT(p.refusal, HasSubstr("768.0 MiB"));
  EXPECT_THAT(p.refusal, HasSubstr("mem_limit"));
  EXPECT_THROW(p.require_runnable(), PlanError);
}

TEST(ResourcePlan, MissingFilesStillPlan) {
  const auto p = make_plan(inputs_for("v1_missing_files", {}, 2));
  EXPECT_EQ(p.cpus, 2);
  EXPECT_EQ(p.memory_bytes, 12000000ULL * 1024);
  EXPECT_TRUE(p.ok);
}

TEST(ResourcePlan, SmallShmReducesRanks) {
  PlanInputs in = inputs_for("v2_max", {}, 4);
  in.shm_free_bytes = 1 * kMiB;
  in.shm_total_bytes = 1 * kMiB;
  const auto p = make_plan(in);
  EXPECT_EQ(p.cpus, 4);
  EXPECT_EQ(p.ranks, 1);
  EXPECT_THAT(reason(p, "ranks")->why, HasSubstr("--shm-size"));
  in.shm_free_bytes = 13 * kMiB;  // holds 2 ranks (12 MiB), not 3 (18 MiB)
  EXPECT_EQ(make_plan(in).ranks, 2);
}

TEST(ResourcePlan, UnreadableShmRefuses) {
  PlanInputs in = inputs_for("v2_max", {}, 2);
  in.shm_free_bytes.reset();
  in.shm_error = "statvfs /nope: No such file or directory";
  const auto p = make_plan(in);
  EXPECT_FALSE(p.ok);
  EXPECT_THAT(p.refusal, HasSubstr("shm_size"));
}

TEST(ResourcePlanSlurm, CpusOnNodeAndMemPerNode) {
  const Env env{{"SLURM_JOB_ID", "42"}, {"SLURM_CPUS_ON_NODE", "3"}, {"SLURM_NTASKS", "3"},
                {"SLURM_MEM_PER_NODE", "4096"}};
  const auto p = make_plan(inputs_for("v2_max", env, 8));
  EXPECT_EQ(p.cpus, 3);
  EXPECT_EQ(p.ranks, 3);
  EXPECT_EQ(p.memory_bytes, 4096 * kMiB);
  EXPECT_THAT(reason(p, "cpus")->source, HasSubstr("SLURM_CPUS_ON_NODE=3"));
  EXPECT_THAT(reason(p, "memory_bytes")->source, HasSubstr("SLURM_MEM_PER_NODE"));
}

TEST(ResourcePlanSlurm, TasksTimesCpusPerTaskAndMemPerCpu) {
  const Env env{{"SLURM_JOB_ID", "7"}, {"SLURM_NTASKS", "2"}, {"SLURM_CPUS_PER_TASK", "2"},
                {"SLURM_MEM_PER_CPU", "1000"}};
  const auto p = make_plan(inputs_for("v2_max", env, 8));
  EXPECT_EQ(p.cpus, 4);
  EXPECT_EQ(p.ranks, 2);  // SLURM_NTASKS
  EXPECT_EQ(p.threads_per_rank, 2);
  EXPECT_EQ(p.memory_bytes, 4000 * kMiB);
}

TEST(ResourcePlanSlurm, StillIntersectedWithCgroup) {
  const Env env{{"SLURM_JOB_ID", "7"}, {"SLURM_CPUS_ON_NODE", "8"}, {"SLURM_MEM_PER_NODE", "64000"}};
  const auto p = make_plan(inputs_for("v1_fractional", env, 8));
  EXPECT_EQ(p.cpus, 1);
  EXPECT_EQ(p.memory_bytes, 3 * kGiB);
}

TEST(ResourcePlanSlurm, IgnoredOutsideAnAllocation) {
  const Env env{{"SLURM_CPUS_ON_NODE", "1"}};
  const auto p = make_plan(inputs_for("v2_max", env, 4));
  EXPECT_EQ(p.cpus, 4);
}

TEST(ResourcePlanSlurm, RanksSpreadOverSeveralNodesWhenEachNodeTakesItsShare) {
  Env env{{"SLURM_JOB_ID", "7"}, {"SLURM_CPUS_ON_NODE", "4"}, {"SLURM_NNODES", "2"},
          {"SLURM_NTASKS", "8"}, {"SLURM_MEM_PER_NODE", "16000"}};
  auto p = make_plan(inputs_for("v2_max", env, 8));
  EXPECT_EQ(p.ranks, 8);
  EXPECT_EQ(p.nodes, 2);
  EXPECT_EQ(p.ranks_per_node, 4);
  EXPECT_EQ(p.local_ranks(), 4);
  EXPECT_EQ(p.threads_per_rank, 1);
  EXPECT_EQ(p.shm_needed_bytes, shm_bytes_needed(4));  // this node's ranks only
  EXPECT_LE(4LL * p.nwchem_memory_mb_per_rank, 16000);  // memory planned per node
  EXPECT_EQ(reason(p, "ranks")->source, "SLURM_NNODES=2 SLURM_NTASKS=8");
  EXPECT_EQ(p.to_json()["nodes"], 2);
  EXPECT_EQ(p.to_json()["inputs"]["slurm"]["nodes"], 2);

  // Uneven: 6 tasks on 2 nodes -> 3 on each, fewer than this node could run.
  env["SLURM_NTASKS"] = "6";
  p = make_plan(inputs_for("v2_max", env, 8));
  EXPECT_EQ(p.ranks, 6);
  EXPECT_EQ(p.ranks_per_node, 3);
  EXPECT_EQ(p.threads_per_rank, 1);  // 4 CPUs / 3 ranks

  // A share larger than this node can run: this node only.
  env["SLURM_NTASKS"] = "10";
  p = make_plan(inputs_for("v2_max", env, 8));
  EXPECT_EQ(p.ranks, 4);
  EXPECT_EQ(p.nodes, 1);

  // SLURM_JOB_NUM_NODES when SLURM_NNODES is missing.
  env.erase("SLURM_NNODES");
  env["SLURM_JOB_NUM_NODES"] = "2";
  env["SLURM_NTASKS"] = "8";
  EXPECT_EQ(make_plan(inputs_for("v2_max", env, 8)).ranks, 8);

  // An explicit rank count wins.
  env["QMNMR_RANKS"] = "2";
  p = make_plan(inputs_for("v2_max", env, 8));
  EXPECT_EQ(p.ranks, 2);
  EXPECT_EQ(p.nodes, 1);

  // One node: no spread.
  env.erase("QMNMR_RANKS");
  env["SLURM_JOB_NUM_NODES"] = "1";
  env["SLURM_NTASKS"] = "4";
  p = make_plan(inputs_for("v2_max", env, 8));
  EXPECT_EQ(p.ranks, 4);
  EXPECT_EQ(p.nodes, 1);
  EXPECT_EQ(p.local_ranks(), 4);
}

TEST(ResourcePlanSlurm, BadValueIsAnError) {
  const Env env{{"SLURM_JOB_ID", "7"}, {"SLURM_CPUS_ON_NODE", "many"}};
  EXPECT_THROW(read_plan_inputs(roots_for("v2_max"), env), PlanError);
}

TEST(ResourcePlanOverrides, RanksFromEnvAndCappedAtCpus) {
  auto p = make_plan(inputs_for("v2_max", {{"QMNMR_RANKS", "2"}}, 4));
  EXPECT_EQ(p.ranks, 2);
  EXPECT_EQ(p.threads_per_rank, 2);
  EXPECT_EQ(reason(p, "ranks")->source, "env QMNMR_RANKS");
  p = make_plan(inputs_for("v1_fractional", {{"QMNMR_RANKS", "4"}}, 4));
  EXPECT_EQ(p.ranks, 1);  // never oversubscribe
  EXPECT_THAT(reason(p, "ranks")->why, HasSubstr("capped"));
}

TEST(ResourcePlanOverrides, NwchemNprocForCompatibilityButQmnmrRanksWins) {
  auto p = make_plan(inputs_for("v2_max", {{"NWCHEM_NPROC", "3"}}, 4));
  EXPECT_EQ(p.ranks, 3);
  EXPECT_THAT(reason(p, "ranks")->source, HasSubstr("NWCHEM_NPROC"));
  p = make_plan(inputs_for("v2_max", {{"NWCHEM_NPROC", "3"}, {"QMNMR_RANKS", "1"}}, 4));
  EXPECT_EQ(p.ranks, 1);
}

TEST(ResourcePlanOverrides, GivenOverridesBeatTheEnvironment) {
  PlanOverrides given;
  given.ranks = 1;
  given.ranks_origin = "--ranks";
  given.memory_bytes = 2 * kGiB;
  given.memory_origin = "config file";
  PlanInputs in = read_plan_inputs(roots_for("v2_max", 4),
                                   {{"QMNMR_RANKS", "abc"}, {"QMNMR_MEMORY", "x"}}, given);
  in.shm_free_bytes = 64 * kMiB;
  const auto p = make_plan(in);
  EXPECT_EQ(p.ranks, 1);
  EXPECT_EQ(p.memory_bytes, 2 * kGiB);
  EXPECT_EQ(reason(p, "memory_bytes")->source, "config file");
}

TEST(ResourcePlanOverrides, MemoryOverrideBelowAndAboveTheLimit) {
  auto p = make_plan(inputs_for("v1_fractional", {{"QMNMR_MEMORY", "2g"}}));
  EXPECT_EQ(p.memory_bytes, 2 * kGiB);
  p = make_plan(inputs_for("v1_fractional", {{"QMNMR_MEMORY", "8GiB"}}));
  EXPECT_EQ(p.memory_bytes, 3 * kGiB);  // never above the cgroup limit
  EXPECT_THAT(reason(p, "memory_bytes")->why, HasSubstr("capped"));
}

TEST(ResourcePlanOverrides, BadValuesAreClearErrors) {
  for (const char* bad : {"abc", "0", "-2", "1.5", "2x"}) {
    try {
      read_plan_inputs(roots_for("v2_max"), {{"QMNMR_RANKS", bad}});
      ADD_FAILURE() << "QMNMR_RANKS=" << bad << " was accepted";
    } catch (const PlanError& e) {
      EXPECT_THAT(e.what(), HasSubstr(std::string("QMNMR_RANKS='") + bad + "'"));
      EXPECT_THAT(e.what(), HasSubstr("QMNMR_RANKS=2"));
    }
  }
  EXPECT_THROW(read_plan_inputs(roots_for("v2_max"), {{"NWCHEM_NPROC", "zero"}}), PlanError);
  for (const char* bad : {"lots", "0", "-1g", "3q", "g"}) {
    try {
      read_plan_inputs(roots_for("v2_max"), {{"QMNMR_MEMORY", bad}});
      ADD_FAILURE() << "QMNMR_MEMORY=" << bad << " was accepted";
    } catch (const PlanError& e) {
      EXPECT_THAT(e.what(), HasSubstr("QMNMR_MEMORY=3g"));
    }
  }
  PlanOverrides given;
  given.ranks = 0;
  given.ranks_origin = "--ranks";
  EXPECT_THROW(read_plan_inputs(roots_for("v2_max"), {}, given), PlanError);
}

TEST(ParseMemoryAmount, UnitsArePowersOf1024) {
  EXPECT_EQ(parse_memory_amount("1073741824", "m"), kGiB);
  EXPECT_EQ(parse_memory_amount("3g", "m"), 3 * kGiB);
  EXPECT_EQ(parse_memory_amount("3GiB", "m"), 3 * kGiB);
  EXPECT_EQ(parse_memory_amount("512m", "m"), 512 * kMiB);
  EXPECT_EQ(parse_memory_amount("512 MB", "m"), 512 * kMiB);
  EXPECT_EQ(parse_memory_amount("1.5G", "m"), 3 * kGiB / 2);
  EXPECT_EQ(parse_memory_amount("64k", "m"), 64u * 1024);
}

TEST(ParseMeminfo, TotalAndAvailable) {
  const auto m = parse_meminfo("MemTotal:  1000 kB\nMemFree: 10 kB\nMemAvailable: 500 kB\n");
  EXPECT_EQ(m.total_bytes, 1024000u);
  EXPECT_EQ(m.available_bytes, 512000u);
}

TEST(ReadPlanInputs, ThisMachine) {
  // The real system, read through the default roots: the figures must be sane.
  const auto p = make_plan(read_plan_inputs(SystemRoots{}, {}));
  EXPECT_GE(p.cpus, 1);
  EXPECT_GE(p.ranks, 1);
  EXPECT_LE(p.ranks * p.threads_per_rank, p.cpus);
  EXPECT_GT(p.memory_bytes, 0u);
  EXPECT_GT(p.shm_bytes, 0u);
}

}  // namespace
}  // namespace qmnmr::runner
