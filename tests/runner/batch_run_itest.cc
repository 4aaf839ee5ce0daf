// qmnmr batch --all end to end with the real tools and the test preset: a
// 2-entry CSV whose second line is malformed runs the first to completion,
// fails the second alone with a clear error, skips the finished entry on a
// rerun, and qmnmr collect tabulates both. Then a SIGINT while NWChem runs
// gives exit 3 with the finished stages kept, and a rerun resumes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "queue/atomic_file.h"

namespace {
namespace fs = std::filesystem;

struct Outcome {
  int code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class BatchRun : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("qmnmr-batch-itest-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!std::getenv("QMNMR_KEEP_TEST_DIRS")) fs::remove_all(dir_);
  }

  // Starts qmnmr with argv only; stdout/stderr go to files in dir_.
  pid_t start(const std::vector<std::string>& args, const std::string& tag) {
    std::vector<std::string> argv{QMNMR_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    std::map<std::string, std::string> env;
    for (char** e = environ; *e; ++e) {
      std::string kv = *e;
      auto eq = kv.find('=');
      if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (auto it = env.begin(); it != env.end();)
      it = it->first.rfind("SLURM_", 0) == 0 ? env.erase(it) : std::next(it);
    env["QMNMR_REFERENCE_DIR"] = (fs::path(QMNMR_BINARY).parent_path() / "test-reference").string();
    env["QMNMR_DATA"] = (dir_ / "data").string();
    std::vector<std::string> envs;
    for (auto& [k, v] : env) envs.push_back(k + "=" + v);
    std::vector<char*> av, ev;
    for (auto& a : argv) av.push_back(a.data());
    av.push_back(nullptr);
    for (auto& e : envs) ev.push_back(e.data());
    ev.push_back(nullptr);
    auto out = (dir_ / (tag + ".out")).string(), err = (dir_ / (tag + ".err")).string();
    pid_t pid = ::fork();
    if (pid == 0) {
      int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(o, 1);
      ::dup2(e, 2);
      ::execve(av[0], av.data(), ev.data());
      ::_exit(127);
    }
    return pid;
  }
  Outcome finish(pid_t pid, const std::string& tag) {
    int st = 0;
    ::waitpid(pid, &st, 0);
    Outcome o;
    o.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    o.out = slurp(dir_ / (tag + ".out"));
    o.err = slurp(dir_ / (tag + ".err"));
    return o;
  }
  Outcome run(const std::vector<std::string>& args, const std::string& tag) {
    return finish(start(args, tag), tag);
  }

  fs::path dir_;
};

TEST_F(BatchRun, AllEntriesMalformedLineFailsAloneRerunSkipsCollectTabulates) {
  qmnmr::queue::write_file_atomic(dir_ / "in.csv",
                           "id,smiles,name,charge\nwater,O,Water,0\nbroken,C,,one\n");
  const std::vector<std::string> args{
      "batch", (dir_ / "in.csv").string(), "--out", (dir_ / "out").string(), "--all",
      "--preset", "test", "--conformers", "single", "--solvent", "chcl3"};
  auto first = run(args, "first");
  EXPECT_EQ(first.code, 1) << first.out << first.err;  // one entry failed
  EXPECT_NE(first.out.find("entry 1/2 water: complete"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("entry 2/2 broken: failed"), std::string::npos) << first.out;
  EXPECT_NE(first.err.find("entry 2 (broken) failed: line 3: charge 'one' is not a whole number"),
            std::string::npos)
      << first.err;
  auto water = nlohmann::json::parse(slurp(dir_ / "out" / "water" / "status.json"));
  EXPECT_EQ(water["status"], "complete");
  EXPECT_EQ(water["batch_entry"]["entry"], 1);
  EXPECT_FALSE(water["nmr_results"]["h1_shifts"].empty());
  EXPECT_NE(slurp(dir_ / "out" / "water" / "output" / "shifts.csv").find("\n1H,"),
            std::string::npos);
  auto broken = nlohmann::json::parse(slurp(dir_ / "out" / "broken" / "status.json"));
  EXPECT_EQ(broken["status"], "failed");
  EXPECT_NE(broken["error_message"].get<std::string>().find("charge 'one'"), std::string::npos);

  auto again = run(args, "again");
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.out.find("entry 1/2 water: complete already, skipped"), std::string::npos)
      << again.out;

  auto collect = run({"collect", (dir_ / "out").string(), "--csv"}, "collect");
  EXPECT_EQ(collect.code, 0) << collect.err;
  EXPECT_NE(collect.out.find("\nwater,Water,complete,complete,,1H,"), std::string::npos)
      << collect.out;
  EXPECT_NE(collect.out.find("\nbroken,,failed,"), std::string::npos) << collect.out;
  auto as_json = run({"collect", (dir_ / "out").string(), "--json"}, "collect-json");
  auto rows = nlohmann::json::parse(as_json.out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["state"], "complete");
  EXPECT_EQ(rows[1]["state"], "failed");
}

TEST_F(BatchRun, SigintKeepsFinishedStagesExitsThreeAndRerunResumes) {
  qmnmr::queue::write_file_atomic(dir_ / "in.csv", "id,smiles\nmethanol,CO\n");
  const std::vector<std::string> args{
      "batch", (dir_ / "in.csv").string(), "--out", (dir_ / "out").string(), "--task", "1",
      "--preset", "test", "--conformers", "single", "--solvent", "chcl3"};
  auto job = dir_ / "out" / "methanol";
  pid_t pid = start(args, "first");
  // Signal once xTB is done and the DFT optimisation's NWChem has started.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  bool signalled = false;
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(job / "scratch" / "xtb" / "done.json") && fs::exists(job / "logs") &&
        fs::exists(job / "scratch" / "dft_opt")) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      ::kill(pid, SIGINT);
      signalled = true;
      break;
    }
    int st = 0;
    if (::waitpid(pid, &st, WNOHANG) == pid) FAIL() << "qmnmr batch ended before dft_opt";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(signalled);
  auto first = finish(pid, "first");
  auto status = nlohmann::json::parse(slurp(job / "status.json"));
  if (status["status"] == "complete") GTEST_SKIP() << "the job finished before the signal";
  EXPECT_EQ(first.code, 3) << first.out << first.err;
  EXPECT_NE(first.out.find("entry 1/1 methanol: interrupted"), std::string::npos) << first.out;
  EXPECT_TRUE(fs::exists(job / "scratch" / "xtb" / "done.json"));
  EXPECT_FALSE(fs::exists(job / "scratch" / "shielding" / "done.json"));

  auto second = run(args, "second");
  EXPECT_EQ(second.code, 0) << second.out << second.err;
  EXPECT_NE(slurp(job / "logs" / "job.log").find("resuming after stage"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(slurp(job / "status.json"))["status"], "complete");
}

}  // namespace
