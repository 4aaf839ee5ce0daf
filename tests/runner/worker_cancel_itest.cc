// One real worker, three jobs: the first is cancelled while real NWChem runs
// (its processes stop within a heartbeat plus the stop grace; it ends
// cancelled), the second fails in NWChem (a test-only `nwchem` wrapper first
// on PATH fails inputs whose title holds a marker, and execs the real NWChem
// otherwise), the third completes: a job's end never stops the worker.
#include <signal.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <fstream>

#include "support/worker_fixture.h"

namespace qmnmr::worker_testing {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kMarker = "forcefail_scf_marker";

// The fault: an `nwchem` that fails like a non-converged SCF for marked inputs.
fs::path write_failing_nwchem(const fs::path& dir) {
  fs::create_directories(dir);
  auto path = dir / "nwchem";
  std::ofstream(path) << "#!/bin/sh\n"
                         "# test-only fault: NWChem fails for inputs titled with the marker\n"
                         "for a in \"$@\"; do\n"
                         "  case \"$a\" in *.nw)\n"
                         "    if grep -q '"
                      << kMarker
                      << "' \"$a\"; then\n"
                         "      echo ' Calculation failed to converge'\n"
                         "      echo ' dft_scf: SCF failed to converge (forced by the test)' >&2\n"
                         "      exit 1\n"
                         "    fi;;\n"
                         "  esac\n"
                         "done\n"
                         "exec /usr/bin/nwchem \"$@\"\n";
  fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read);
  return dir;
}

class WorkerCancelItest : public WorkerItest {};

TEST_F(WorkerCancelItest, CancelStopsTheRunningJobAndAFailingJobFailsAloneTheWorkerGoesOn) {
  const std::string cancelled = submit(ethanol());
  const std::string failing =
      submit({"submit", "--smiles", "C", "--preset", "test", "--conformers", "single",
              "--solvent", "vacuum", "--name", kMarker});
  const std::string fine = submit({"submit", "--smiles", "C", "--preset", "test", "--conformers",
                                   "single", "--solvent", "vacuum", "--name", "methane"});

  const fs::path bin = write_failing_nwchem(tmp_.path() / "fault-bin");
  const char* path = std::getenv("PATH");
  auto worker = start_worker("cancel-w", {"--once"}, 1,
                             {{"PATH", bin.string() + ":" + (path ? path : "/usr/bin:/bin")}});
  ASSERT_TRUE(wait_in_nwchem("cancel-w", cancelled, 240s))
      << "worker never reached NWChem; stderr:\n" << worker->err();
  const fs::path dir = store_.job_dir(cancelled);

  auto c = run_qmnmr({"cancel", cancelled}, env());
  EXPECT_EQ(c.code, 0) << c.err;
  const auto t0 = std::chrono::steady_clock::now();
  // Noticed on the next beat (1 s); SIGINT to mpirun ends it within its grace.
  EXPECT_TRUE(wait_until([&] { return processes_under(dir).empty(); }, 8s))
      << describe(processes_under(dir));
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(took, 8.0);
  EXPECT_TRUE(wait_until([&] { return record(cancelled).state == queue::JobState::cancelled; },
                         5s));
  EXPECT_TRUE(wait_until([&] { return status_json(cancelled).value("status", "") == "cancelled"; },
                         5s))
      << status_json(cancelled).dump(1);
  EXPECT_TRUE(status_json(cancelled)["completed_at"].is_string());

  auto code = worker->wait_exit(300s);
  ASSERT_TRUE(code.has_value()) << "worker did not finish the queue";
  EXPECT_EQ(*code, 0) << worker->err();

  auto f = record(failing);
  EXPECT_EQ(f.state, queue::JobState::failed);
  EXPECT_NE(f.error_message.value_or("").find("nwchem"), std::string::npos)
      << f.error_message.value_or("");
  auto fs_ = status_json(failing);
  EXPECT_EQ(fs_.value("status", ""), "failed");
  EXPECT_EQ(fs_.value("failed_stage", ""), "dft_opt") << fs_.dump(1);
  EXPECT_TRUE(fs_["error_message"].is_string());

  auto ok = record(fine);
  EXPECT_EQ(ok.state, queue::JobState::complete) << ok.error_message.value_or("");
  EXPECT_EQ(status_json(fine).value("status", ""), "complete");
  EXPECT_EQ(record(cancelled).state, queue::JobState::cancelled);
  EXPECT_TRUE(processes_under(data_).empty()) << describe(processes_under(data_));

  // The clients agree with the queue.
  auto e = env();
  auto list = run_qmnmr({"list", "--json"}, e);
  ASSERT_EQ(list.code, 0) << list.err;
  std::map<std::string, std::string> states;
  for (const auto& row : json::parse(list.out)) states[row["job_id"]] = row["status"];
  EXPECT_EQ(states[cancelled], "cancelled");
  EXPECT_EQ(states[failing], "failed");
  EXPECT_EQ(states[fine], "complete");
  auto failed_only = run_qmnmr({"list", "--state", "failed", "--json"}, e);
  EXPECT_EQ(json::parse(failed_only.out).size(), 1u);
  auto text = run_qmnmr({"status", failing}, e);
  EXPECT_NE(text.out.find("error:"), std::string::npos) << text.out;
  auto result = run_qmnmr({"result", failing}, e);
  EXPECT_NE(result.code, 0);
  EXPECT_NE(result.err.find("not complete"), std::string::npos) << result.err;
  auto again = run_qmnmr({"cancel", cancelled}, e);
  EXPECT_EQ(again.code, 1);
}

}  // namespace
}  // namespace qmnmr::worker_testing
