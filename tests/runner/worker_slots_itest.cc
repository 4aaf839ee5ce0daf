// Packed NWChem slots in a real worker (test preset, real mpirun and NWChem):
// two conformers optimise side by side, each mpirun in its own process group
// and session on one rank; SIGINT stops both, the job goes back to the queue,
// and a new worker resumes both optimisations from their last geometries and
// finishes the job.
#include <signal.h>
#include <unistd.h>

#include <set>

#include <gtest/gtest.h>

#include "support/worker_fixture.h"

namespace qmnmr::worker_testing {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

class WorkerSlotsItest : public WorkerItest {};

// An optimisation log with at least one finished step (a resume starts from it).
bool has_a_step(const fs::path& log) {
  std::error_code ec;
  if (!fs::exists(log, ec)) return false;
  return queue::read_file(log).find("@    1 ") != std::string::npos;
}

TEST_F(WorkerSlotsItest, TwoSlotsRunInTheirOwnProcessGroupsStopTogetherAndResumeTogether) {
  // (R)-butan-2-ol: chiral, so no conformer is the mirror image of another and
  // every selected conformer is optimised.
  const std::string job = submit({"submit", "--smiles", "C[C@@H](O)CC", "--preset", "test",
                                  "--conformers", "rdkit", "--max-conformers", "2", "--solvent",
                                  "vacuum"});
  const fs::path dir = store_.job_dir(job);
  // Two slots forced for the optimisations (the default model packs shieldings only).
  const Env two_slots{{"QMNMR_RANKS", "2"}, {"QMNMR_SLOTS", "2"}};
  auto w1 = start_worker("slots-w1", {}, /*drain_seconds=*/1, two_slots);

  // Both slots running, each optimisation past its first step.
  std::vector<pid_t> children;
  ASSERT_TRUE(wait_until(
      [&] {
        auto hb = heartbeat("slots-w1");
        if (!hb.is_object() || hb.value("stage", json()) != "dft_opt") return false;
        if (!hb["child_pids"].is_array() || hb["child_pids"].size() != 2) return false;
        children = hb["child_pids"].get<std::vector<pid_t>>();
        return has_a_step(dir / "logs/nwchem_opt_conf_001.out") &&
               has_a_step(dir / "logs/nwchem_opt_conf_002.out");
      },
      300s, 50ms))
      << "two optimisations never ran side by side; heartbeat: " << heartbeat("slots-w1").dump()
      << "\nstderr:\n" << w1->err();

  // Each slot's mpirun leads its own process group and session.
  std::set<pid_t> groups;
  for (pid_t child : children) {
    EXPECT_EQ(::getpgid(child), child) << "pid " << child;
    EXPECT_EQ(::getsid(child), child) << "pid " << child;
    groups.insert(::getpgid(child));
  }
  EXPECT_EQ(groups.size(), 2u);
  auto mpiruns = processes_under(dir, "mpirun");
  EXPECT_EQ(mpiruns.size(), 2u) << describe(processes_under(dir));
  EXPECT_EQ(processes_under(dir, "nwchem").size(), 2u) << "one rank per slot\n"
                                                       << describe(processes_under(dir));
  auto packing = status_json(job)["packing"]["dft_opt"];
  EXPECT_EQ(packing.value("slots", 0), 2) << packing.dump();
  EXPECT_EQ(packing.value("ranks_per_slot", 0), 1) << packing.dump();
  // The mpirun lines: one rank each.
  const std::string log1 = queue::read_file(dir / "logs/job.log");
  EXPECT_NE(log1.find("mpirun -n 1 "), std::string::npos);

  // SIGINT: after the 1 s drain both slots are stopped; nothing is left.
  w1->signal(SIGINT);
  auto code = w1->wait_exit(20s);
  ASSERT_TRUE(code.has_value()) << "worker still running 20 s after SIGINT";
  EXPECT_EQ(*code, 0) << w1->err();
  EXPECT_TRUE(wait_until([&] { return processes_under(data_).empty(); }, 5s))
      << describe(processes_under(data_));
  auto rec = record(job);
  EXPECT_EQ(rec.state, queue::JobState::queued);
  EXPECT_EQ(rec.attempts, 0) << "a drained job gives its attempt back";
  EXPECT_TRUE(heartbeat("slots-w1")["child_pids"].empty());

  // A new worker resumes both optimisations from their last geometries.
  auto w2 = start_worker("slots-w2", {"--once"}, 1, two_slots);
  auto code2 = w2->wait_exit(600s);
  ASSERT_TRUE(code2.has_value()) << "second worker did not finish";
  EXPECT_EQ(*code2, 0) << w2->err();
  rec = record(job);
  EXPECT_EQ(rec.state, queue::JobState::complete) << rec.error_message.value_or("");
  const std::string log = queue::read_file(dir / "logs/job.log");
  for (const char* conformer : {"optimisation of conformer 1: resuming from the last geometry",
                                "optimisation of conformer 2: resuming from the last geometry"})
    EXPECT_NE(log.find(conformer), std::string::npos) << conformer;
  auto st = status_json(job);
  EXPECT_EQ(st.value("status", ""), "complete");
  int shielded = 0;
  for (const auto& c : st["conformer_ensemble"]) shielded += c.value("state", "") == "shielded";
  EXPECT_GE(shielded, 1);
  EXPECT_TRUE(processes_under(data_).empty()) << describe(processes_under(data_));
}

}  // namespace
}  // namespace qmnmr::worker_testing
