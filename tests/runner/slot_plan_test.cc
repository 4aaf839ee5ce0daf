// plan_slots: the packing never exceeds the plan's ranks (so CPUs, memory and
// /dev/shm stay inside the plan), packs when the model says it pays, and
// keeps one run at a time across nodes or when forced.
#include "runner/resources/slot_plan.h"

#include <fstream>

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace qmnmr::runner {
namespace {

ResourcePlan plan_with(int ranks, int threads = 1, int memory = 1500) {
  ResourcePlan p;
  p.cpus = ranks * threads;
  p.ranks = ranks;
  p.ranks_per_node = ranks;
  p.threads_per_rank = threads;
  p.nwchem_memory_mb_per_rank = memory;
  return p;
}

TEST(SlotPlan, NeverMoreRanksThanThePlanAndTheSameMemoryAndThreadsPerRank) {
  for (int ranks = 1; ranks <= 16; ++ranks)
    for (int threads : {1, 2})
      for (int runs = 0; runs <= 20; ++runs)
        for (int atoms : {3, 9, 20, 60, 120}) {
          auto plan = plan_with(ranks, threads);
          for (auto kind : {RunKind::optimisation, RunKind::shielding}) {
          auto s = plan_slots(plan, kind, runs, atoms, {});
          SCOPED_TRACE(::testing::Message() << ranks << " ranks, " << runs << " runs, " << atoms);
          ASSERT_GE(s.slots, 1);
          ASSERT_GE(s.ranks_per_slot, 1);
          ASSERT_LE(s.slots * s.ranks_per_slot, ranks);
          ASSERT_LE(s.slots, std::max(1, runs));
          ASSERT_LE(s.slots * s.ranks_per_slot * s.threads_per_rank, plan.cpus);
          EXPECT_EQ(s.memory_mb_per_rank, plan.nwchem_memory_mb_per_rank);
          auto slot = s.slot_resources(plan);
          EXPECT_EQ(slot.ranks, s.ranks_per_slot);
          EXPECT_EQ(slot.threads_per_rank, threads);
          EXPECT_EQ(slot.nwchem_memory_mb_per_rank, plan.nwchem_memory_mb_per_rank);
          EXPECT_GE(s.estimated_speedup, 1.0 - 1e-9);
          }
        }
}

TEST(SlotPlan, SmallMoleculesShieldingsPackOneRankPerRunAndASingleRunTakesEveryRank) {
  auto s = plan_slots(plan_with(2), RunKind::shielding, 6, 15, {});
  EXPECT_EQ(s.slots, 2);
  EXPECT_EQ(s.ranks_per_slot, 1);
  EXPECT_GT(s.estimated_speedup, 1.1);
  ASSERT_FALSE(s.reasons.empty());
  EXPECT_NE(s.reasons.front().find("default model"), std::string::npos) << s.reasons.front();

  auto one = plan_slots(plan_with(2), RunKind::shielding, 1, 15, {});
  EXPECT_EQ(one.slots, 1);
  EXPECT_EQ(one.ranks_per_slot, 2);

  // Three runs on four ranks: three slots of one rank beat one slot of four.
  auto three = plan_slots(plan_with(4), RunKind::shielding, 3, 12, {});
  EXPECT_EQ(three.slots * three.ranks_per_slot <= 4, true);
  EXPECT_GE(three.slots, 2);
  // Optimisations scale linearly by default: one after another on every rank.
  auto opt = plan_slots(plan_with(2), RunKind::optimisation, 6, 15, {});
  EXPECT_EQ(opt.slots, 1);
  EXPECT_EQ(opt.ranks_per_slot, 2);
  EXPECT_NE(opt.reasons.front().find("linearly"), std::string::npos) << opt.reasons.front();
}

TEST(SlotPlan, AMeasuredPerfectScalingKeepsRunsOneAfterAnother) {
  ScalingModel perfect;
  perfect.shielding = {{1, 1.0}, {2, 2.0}};
  perfect.source = "scaling.json";
  auto s = plan_slots(plan_with(2), RunKind::shielding, 4, 15, perfect);
  EXPECT_EQ(s.slots, 1) << "no gain from packing: one run after another, as before";
  EXPECT_EQ(s.ranks_per_slot, 2);
  ScalingModel poor;
  poor.optimisation = {{1, 1.0}, {2, 1.1}};
  poor.source = "scaling.json";
  auto p = plan_slots(plan_with(2), RunKind::optimisation, 4, 15, poor);
  EXPECT_EQ(p.slots, 2);
  EXPECT_NE(p.reasons.front().find("measured"), std::string::npos) << p.reasons.front();
  EXPECT_NEAR(p.estimated_speedup, 2 / 1.1, 1e-9);
}

TEST(SlotPlan, AcrossNodesAndWhenForcedTheModelIsNotConsulted) {
  auto spread = plan_with(8);
  spread.nodes = 2;
  spread.ranks_per_node = 4;
  auto s = plan_slots(spread, RunKind::shielding, 6, 10, {});
  EXPECT_EQ(s.slots, 1);
  EXPECT_EQ(s.ranks_per_slot, 8);
  auto forced = plan_slots(plan_with(4), RunKind::shielding, 6, 10, {}, 1);
  EXPECT_EQ(forced.slots, 1);
  EXPECT_EQ(forced.ranks_per_slot, 4);
  auto capped = plan_slots(plan_with(2), RunKind::optimisation, 6, 10, {}, 5);
  EXPECT_EQ(capped.slots, 2) << "never more slots than ranks";
  EXPECT_EQ(capped.ranks_per_slot, 1);
}

TEST(SlotPlan, TheModelIsReadFromBenchScalingsOutput) {
  testing::TempDir tmp("slots");
  auto path = tmp.path() / "scaling.json";
  std::ofstream(path) << R"({"rows": [
      {"ranks": 1, "shielding": {"speedup": 1.0}, "optimisation": {"speedup": 1.0}},
      {"ranks": 2, "shielding": {"speedup": 1.57}, "optimisation": {"speedup": 2.04}}]})";
  auto model = ScalingModel::from_file(path.string());
  EXPECT_DOUBLE_EQ(model.shielding.at(2), 1.57);
  EXPECT_DOUBLE_EQ(model.optimisation.at(2), 2.04);
  EXPECT_EQ(model.source, path.string());
  EXPECT_TRUE(ScalingModel::from_file((tmp.path() / "missing.json").string()).source.empty());
  std::ofstream(tmp.path() / "bad.json") << "not json";
  EXPECT_TRUE(ScalingModel::from_file((tmp.path() / "bad.json").string()).shielding.empty());
}

}  // namespace
}  // namespace qmnmr::runner
