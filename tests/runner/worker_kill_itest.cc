// kill -9 of a real worker while real NWChem runs: none of its programs
// survive it (mpirun and the ranks die with it), another worker takes the
// job once the lease expires, resumes it and finishes it; attempts = 2.
#include <signal.h>

#include <gtest/gtest.h>

#include "support/worker_fixture.h"

namespace qmnmr::worker_testing {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

class WorkerKillItest : public WorkerItest {};

TEST_F(WorkerKillItest, KilledWorkerLeavesNoOrphanAndAnotherWorkerFinishesTheJob) {
  const std::string job = submit(ethanol());
  const fs::path dir = store_.job_dir(job);

  auto w1 = start_worker("kill-w1");
  ASSERT_TRUE(wait_in_nwchem("kill-w1", job, 240s))
      << "worker never reached NWChem; stderr:\n" << w1->err();
  const pid_t mpirun = heartbeat("kill-w1")["child_pid"].get<pid_t>();
  const auto before = steps_completed(job);
  ASSERT_GE(before.size(), 3u);
  ASSERT_FALSE(processes_under(dir, "mpirun").empty()) << describe(processes_under(dir));

  w1->signal(SIGKILL);
  ASSERT_EQ(w1->wait_exit(5s), std::optional<int>(128 + SIGKILL));
  // mpirun gets SIGKILL from the kernel (PR_SET_PDEATHSIG); its ranks abort.
  EXPECT_TRUE(wait_until([&] { return processes_under(data_).empty(); }, 10s))
      << "orphans of the killed worker:\n" << describe(processes_under(data_));
  for (const auto& p : processes_under(data_)) EXPECT_NE(p.sid, mpirun) << describe({p});

  // The lease (4 s) is still held by the dead worker: the job is running.
  EXPECT_EQ(record(job).state, queue::JobState::running);
  auto w2 = start_worker("kill-w2", {"--max-jobs", "1"});
  auto code = w2->wait_exit(300s);
  ASSERT_TRUE(code.has_value()) << "second worker did not finish";
  EXPECT_EQ(*code, 0) << w2->err();
  auto rec = record(job);
  EXPECT_EQ(rec.state, queue::JobState::complete) << rec.error_message.value_or("");
  EXPECT_EQ(rec.attempts, 2);
  EXPECT_EQ(rec.worker_id.value_or(""), "kill-w2");
  auto st = status_json(job);
  EXPECT_EQ(st.value("status", ""), "complete");
  EXPECT_EQ(st.value("attempts", 0), 2);
  EXPECT_NE(w2->err().find("lost its lease"), std::string::npos) << w2->err();
  const std::string log = queue::read_file(dir / "logs/job.log");
  EXPECT_NE(log.find("resuming after stage " + before.back()), std::string::npos);
  EXPECT_TRUE(processes_under(data_).empty()) << describe(processes_under(data_));
}

}  // namespace
}  // namespace qmnmr::worker_testing
