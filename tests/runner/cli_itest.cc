// The qmnmr binary's own behaviour: JSON logging, plan --json keys, health
// without and with a heartbeat, doctor, and clear errors for bad options.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "container/heartbeat.h"
#include "support/qmnmr_process.h"

namespace qmnmr {
namespace {

using testing::run_qmnmr;
using testing::TempDir;

TEST(Cli, PlanJsonHasTheIssueKeys) {
  TempDir dir("cli-plan");
  auto r = run_qmnmr({"plan", "--json"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"cpus", "memory_bytes", "shm_bytes", "ranks",
                          "nwchem_memory_mb_per_rank", "omp_threads", "reasons", "config"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_LE(j["ranks"].get<int>() * j["threads_per_rank"].get<int>(), j["cpus"].get<int>());
}

TEST(Cli, PlanShowsTheOriginOfAnOverride) {
  TempDir dir("cli-plan-origin");
  auto r = run_qmnmr({"plan", "--json"}, dir.path(), {{"QMNMR_RANKS", "1"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ranks"], 1);
  EXPECT_EQ(j["config"]["ranks"]["origin"], "env QMNMR_RANKS");
  auto bad = run_qmnmr({"plan"}, dir.path(), {{"QMNMR_RANKS", "zero"}});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("qmnmr: error: QMNMR_RANKS='zero'"), std::string::npos) << bad.err;
}

TEST(Cli, JsonLogFormatWritesOneObjectPerLine) {
  TempDir dir("cli-json-log");
  // At debug level doctor logs each program it probes (container/supervisor.cc).
  auto r = run_qmnmr({"doctor", "--log-format", "json"}, dir.path(),
                     {{"QMNMR_LOG_LEVEL", "debug"}});
  int lines = 0;
  std::istringstream in(r.err);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);  // throws (fails) on a text line
    EXPECT_TRUE(j.contains("time") && j.contains("level") && j.contains("msg")) << line;
    ++lines;
  }
  EXPECT_GT(lines, 0) << "doctor logged nothing";
  // And the environment variable does the same.
  auto e = run_qmnmr({"doctor"}, dir.path(),
                     {{"QMNMR_LOG_FORMAT", "json"}, {"QMNMR_LOG_LEVEL", "debug"}});
  std::istringstream in2(e.err);
  std::string first;
  std::getline(in2, first);
  EXPECT_FALSE(first.empty()) << "doctor logged nothing with QMNMR_LOG_FORMAT=json";
  EXPECT_TRUE(nlohmann::json::accept(first)) << first;
}

TEST(Cli, DoctorPassesHereAndNamesTheTools) {
  TempDir dir("cli-doctor");
  auto r = run_qmnmr({"doctor", "--json"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["ok"].get<bool>());
  std::set<std::string> found;
  for (const auto& t : j["tools"])
    if (!t["path"].is_null()) found.insert(t["name"].get<std::string>());
  EXPECT_TRUE(found.contains("nwchem") && found.contains("xtb") && found.contains("mpirun"));
  EXPECT_EQ(j["conformer_engine"], found.contains("crest") ? "crest" : "rdkit+xtb");
}

TEST(Cli, DoctorFailsWithAnInstallHintWhenAToolIsMissing) {
  TempDir dir("cli-doctor-missing");
  // A PATH with mpirun but without nwchem or xtb.
  auto bin = dir.path() / "bin";
  std::filesystem::create_directories(bin);
  std::filesystem::create_symlink("/usr/bin/mpirun", bin / "mpirun");
  auto r = run_qmnmr({"doctor"}, dir.path(), {{"PATH", bin.string()}});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("apt-get install nwchem"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("apt-get install xtb"), std::string::npos) << r.out;
}

TEST(Cli, HealthFailsWithoutHeartbeatAndPassesWithAFreshOne) {
  TempDir dir("cli-health");
  auto data = dir.path() / "data";
  auto none = run_qmnmr({"health", "--data", data.string()}, dir.path());
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.out.find("no heartbeat"), std::string::npos) << none.out;

  container::WorkerState state("cli-health-worker");
  {
    container::HeartbeatWriter beat(data, state, std::chrono::seconds(60));
    auto fresh = run_qmnmr({"health", "--data", data.string()}, dir.path());
    EXPECT_EQ(fresh.exit_code, 0) << fresh.out;
    EXPECT_NE(fresh.out.find("healthy"), std::string::npos);
    // The same heartbeat is stale for a 1 s limit once 2 s have passed.
    sleep(2);
    auto stale = run_qmnmr({"health", "--data", data.string(), "--max-age", "1"}, dir.path());
    EXPECT_NE(stale.exit_code, 0);
    EXPECT_NE(stale.out.find("old"), std::string::npos) << stale.out;
  }
}

TEST(Cli, UnknownSubcommandAndBadOptionExitNonZero) {
  TempDir dir("cli-bad");
  EXPECT_NE(run_qmnmr({"frobnicate"}, dir.path()).exit_code, 0);
  auto r = run_qmnmr({"run", "--smiles", "C", "--out", "x", "--solvent", "lava"}, dir.path());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("unknown solvent 'lava'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace qmnmr
