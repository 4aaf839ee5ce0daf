// Resume: a run of water is killed with SIGKILL (qmnmr and its process
// group) as soon as the DFT optimisation has finished; no program of it may
// survive, and the same command rerun into the same folder completes
// without repeating the optimisation.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "runner/run_itest_util.h"

namespace qmnmr::testing {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct FileStamp {
  off_t size = -1;
  struct timespec mtime {};
  bool operator==(const FileStamp& o) const {
    return size == o.size && mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec;
  }
};

FileStamp stamp(const fs::path& p) {
  struct stat st {};
  FileStamp s;
  if (::stat(p.c_str(), &st) == 0) {
    s.size = st.st_size;
    s.mtime = st.st_mtim;
  }
  return s;
}

// Kills what is left of a test's processes so a failing test leaves none.
void kill_tagged(const std::string& tag) {
  for (pid_t p : processes_tagged(tag)) ::kill(p, SIGKILL);
}

TEST(RunResume, KilledAfterDftOptResumesWithoutRepeatingTheOptimisation) {
  TempDir tmp("run_resume");
  auto job = tmp.path() / "job";
  const std::string tag = "resume_" + std::to_string(::getpid());
  std::vector<std::string> args{"run",      "--smiles", "O",      "--conformers",
                                "single",   "--preset", "test",   "--solvent",
                                "chcl3",    "--ranks",  "2",      "--out",
                                job.string()};
  QmnmrLaunch launch;
  launch.args = args;
  launch.cwd = tmp.path();
  launch.stdout_path = tmp.path() / "first.stdout";
  launch.stderr_path = tmp.path() / "first.stderr";
  launch.env = base_environment(tmp.path());
  launch.env["QMNMR_TEST_TAG"] = tag;
  pid_t pid = start_qmnmr(launch);
  ASSERT_GT(pid, 0);

  // Wait for the optimisation's done-record (the TMS reference may be
  // computed first when the shared cache is cold).
  auto done = job / "scratch" / "dft_opt" / "done.json";
  auto deadline = std::chrono::steady_clock::now() + 600s;
  bool exited = false;
  while (!fs::exists(done) && std::chrono::steady_clock::now() < deadline) {
    int st = 0;
    if (::waitpid(pid, &st, WNOHANG) == pid) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
  if (exited || !fs::exists(done)) {
    if (!exited) ::kill(-pid, SIGKILL), wait_exit(pid);
    kill_tagged(tag);
    FAIL() << "dft_opt never finished (exited early: " << exited << ")\n"
           << slurp(launch.stderr_path);
  }
  // Kill while the next NWChem run (the shielding) is under way, so the
  // check below has ranks that could be orphaned.
  bool nwchem_running = false;
  for (int i = 0; i < 3000 && !nwchem_running; ++i) {
    for (pid_t p : processes_tagged(tag))
      if (slurp("/proc/" + std::to_string(p) + "/comm").rfind("nwchem", 0) == 0)
        nwchem_running = true;
    if (!nwchem_running) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(nwchem_running) << "no nwchem rank seen after dft_opt";
  ASSERT_EQ(::kill(-pid, SIGKILL), 0);
  EXPECT_EQ(wait_exit(pid), 128 + SIGKILL);

  // Nothing the killed run started may live on (mpirun, nwchem ranks).
  std::vector<pid_t> left;
  for (int i = 0; i < 100; ++i) {  // up to 10 s for the kernel's death signals
    left = processes_tagged(tag);
    if (left.empty()) break;
    std::this_thread::sleep_for(100ms);
  }
  std::string who;
  for (pid_t p : left)
    who += " " + std::to_string(p) + ":" + slurp("/proc/" + std::to_string(p) + "/comm");
  kill_tagged(tag);
  EXPECT_TRUE(left.empty()) << "processes outlived the SIGKILL of qmnmr:" << who;

  auto opt_out = job / "logs" / "nwchem_opt_conf_001.out";
  ASSERT_TRUE(fs::exists(opt_out));
  auto before = stamp(opt_out);
  auto opt_result = slurp(job / "scratch" / "dft_opt" / "conf_001" / "result.json");
  ASSERT_FALSE(opt_result.empty());

  // The same command again, into the same folder.
  auto r = run_qmnmr(args, tmp.path(), {{"QMNMR_TEST_TAG", tag}}, "second");
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  EXPECT_EQ(read_json(job / "status.json").at("status"), "complete");
  EXPECT_TRUE(stamp(opt_out) == before) << "the optimisation output was written again";
  EXPECT_EQ(slurp(job / "scratch" / "dft_opt" / "conf_001" / "result.json"), opt_result);

  auto job_log = slurp(job / "logs" / "job.log");
  int opt_runs = 0, shielding_runs = 0;
  for (const auto& line : lines_with(job_log, "running "))
    if (line.find("nwchem") != std::string::npos) {
      if (line.find("/scratch/dft_opt/") != std::string::npos) ++opt_runs;
      if (line.find("/scratch/shielding/") != std::string::npos) ++shielding_runs;
    }
  EXPECT_EQ(opt_runs, 1) << job_log;
  EXPECT_GE(shielding_runs, 1);
  EXPECT_TRUE(job_log.find("resuming after stage dft_opt") != std::string::npos ||
              job_log.find("resuming after stage dft_filter") != std::string::npos)
      << job_log;
  auto results = read_json(job / "output" / "results.json");
  EXPECT_EQ(results.at("h1_shifts").size(), 2u);
  EXPECT_TRUE(processes_tagged(tag).empty());
}

}  // namespace
}  // namespace qmnmr::testing
