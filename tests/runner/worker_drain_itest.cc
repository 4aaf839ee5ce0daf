// SIGINT on a real worker while real NWChem runs (test preset): the worker
// stops the step after the drain time, puts the job back at its last finished
// stage and exits 0 with no MPI process left; a new worker then finishes the
// job without repeating the finished stages. Also: the result clients.
#include <signal.h>

#include <gtest/gtest.h>

#include "support/worker_fixture.h"

namespace qmnmr::worker_testing {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

class WorkerDrainItest : public WorkerItest {};

TEST_F(WorkerDrainItest, SigintDuringNwchemRequeuesAtLastStageAndANewWorkerFinishes) {
  const std::string job = submit(ethanol());
  const fs::path dir = store_.job_dir(job);

  auto w1 = start_worker("drain-w1", {}, /*drain_seconds=*/1);
  ASSERT_TRUE(wait_in_nwchem("drain-w1", job, 240s))
      << "worker never reached NWChem; stderr:\n" << w1->err();
  const auto before = steps_completed(job);
  // xtb is done before any DFT stage; these must survive untouched.
  ASSERT_GE(before.size(), 3u);
  const std::string xtb_done = queue::read_file(dir / "scratch/xtb/done.json");
  const auto xtb_done_time = fs::last_write_time(dir / "scratch/xtb/done.json");

  const auto t0 = std::chrono::steady_clock::now();
  w1->signal(SIGINT);
  auto code = w1->wait_exit(15s);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(code.has_value()) << "worker still running 15 s after SIGINT";
  EXPECT_EQ(*code, 0) << w1->err();
  // 1 s drain, then SIGINT to mpirun (it ends its ranks at once).
  EXPECT_LT(took, 8.0) << w1->err();
  EXPECT_TRUE(processes_under(data_).empty()) << describe(processes_under(data_));

  auto rec = record(job);
  EXPECT_EQ(rec.state, queue::JobState::queued);
  ASSERT_TRUE(rec.last_stage.has_value());
  EXPECT_TRUE(*rec.last_stage == "xtb" || *rec.last_stage == "dft_opt" ||
              *rec.last_stage == "dft_filter")
      << *rec.last_stage;
  EXPECT_EQ(rec.attempts, 0) << "a drained job gives its attempt back";
  auto st = status_json(job);
  EXPECT_EQ(st.value("status", ""), "queued") << st.dump(1);
  EXPECT_EQ(steps_completed(job), before);
  EXPECT_EQ(json(heartbeat("drain-w1")).value("state", ""), "stopped");

  // A new worker resumes after the recorded stage.
  auto w2 = start_worker("drain-w2", {"--once"});
  auto code2 = w2->wait_exit(300s);
  ASSERT_TRUE(code2.has_value()) << "second worker did not finish";
  EXPECT_EQ(*code2, 0) << w2->err();
  rec = record(job);
  EXPECT_EQ(rec.state, queue::JobState::complete) << rec.error_message.value_or("");
  EXPECT_EQ(rec.attempts, 1);
  EXPECT_EQ(queue::read_file(dir / "scratch/xtb/done.json"), xtb_done);
  EXPECT_EQ(fs::last_write_time(dir / "scratch/xtb/done.json"), xtb_done_time);
  const std::string log = queue::read_file(dir / "logs/job.log");
  EXPECT_NE(log.find("resuming after stage " + before.back()), std::string::npos);
  // Every stage ran once: the completed list has no repeats.
  auto done = steps_completed(job);
  EXPECT_EQ(done.size(), 8u);
  EXPECT_EQ(std::vector<std::string>(done.begin(), done.begin() + before.size()), before);
  EXPECT_TRUE(processes_under(data_).empty()) << describe(processes_under(data_));

  // The clients on the finished job.
  auto e = env();
  auto status = run_qmnmr({"status", job, "--json"}, e);
  ASSERT_EQ(status.code, 0) << status.err;
  EXPECT_EQ(json::parse(status.out).value("status", ""), "complete");
  auto text = run_qmnmr({"status", job}, e);
  EXPECT_NE(text.out.find("status:  complete"), std::string::npos) << text.out;
  auto rj = run_qmnmr({"result", job, "--json"}, e);
  ASSERT_EQ(rj.code, 0) << rj.err;
  auto results = json::parse(rj.out);
  EXPECT_TRUE(results.is_object());
  auto csv = run_qmnmr({"result", job, "--csv"}, e);
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("nucleus,index,atom,shielding,shift", 0), 0u) << csv.out;
  EXPECT_NE(csv.out.find("\n13C,"), std::string::npos) << csv.out;
  EXPECT_NE(csv.out.find("\n1H,"), std::string::npos) << csv.out;
  auto table = run_qmnmr({"result", job}, e);
  EXPECT_NE(table.out.find("13C shifts (ppm)"), std::string::npos) << table.out;
  auto list = run_qmnmr({"list", "--state", "complete", "--json"}, e);
  ASSERT_EQ(list.code, 0) << list.err;
  auto rows = json::parse(list.out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].value("job_id", ""), job);
  EXPECT_EQ(rows[0].value("attempts", -1), 1);
  auto cancel = run_qmnmr({"cancel", job}, e);
  EXPECT_EQ(cancel.code, 1) << "cancelling a complete job is refused";
  EXPECT_NE(cancel.out.find("complete"), std::string::npos) << cancel.out;
}

}  // namespace
}  // namespace qmnmr::worker_testing
