// The queue clients as a user runs them (the built qmnmr binary): bad input
// through submit is refused with run's errors and enqueues nothing; ids are
// validated; submit/status/list/cancel print parseable JSON; `qmnmr health`
// follows a real worker's heartbeat (fresh, SIGSTOPped past max-age, stopped).
#include <signal.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "support/worker_fixture.h"

namespace qmnmr::worker_testing {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

class QueueCliItest : public WorkerItest {
 protected:
  // Only the job `id` is queued, and only its folder exists.
  void expect_only(const std::string& id, const std::string& what) {
    auto list = run_qmnmr({"list", "--json"}, env());
    ASSERT_EQ(list.code, 0) << list.err;
    auto rows = json::parse(list.out);
    ASSERT_EQ(rows.size(), 1u) << what << ": " << list.out;
    EXPECT_EQ(rows[0].value("job_id", ""), id);
    int folders = 0;
    for (const auto& entry : fs::directory_iterator(store_.jobs_dir())) {
      EXPECT_EQ(entry.path().filename().string(), id) << what;
      ++folders;
    }
    EXPECT_EQ(folders, 1) << what;
  }
};

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

struct BadInput {
  std::vector<std::string> args;
  std::string expect;  // in the error text
};

TEST_F(QueueCliItest, BadInputThroughSubmitGivesRunsErrorAndEnqueuesNothing) {
  // One good job first, so a queue exists and "nothing enqueued" is visible.
  const std::string good = submit(ethanol());
  const std::vector<BadInput> cases = {
      {{"--smiles", "C1CC"}, "smiles"},
      {{"--smiles", "CCO", "--solvent", "lava"}, "lava"},
      {{"--smiles", "[U]"}, "element U is not covered"},
      {{"--smiles", "CCO", "--multiplicity", "-1"}, "multiplicity"},
      {{"--smiles", "CCO", "--priority", "high"}, "priority"},
      {{"--smiles", "CCO", "--preset", "nonsense"}, "nonsense"},
      {{"--xyz", "/nonexistent/mol.xyz"}, "does not exist"},
      // A locally dense level whose per-element basis NWChem's library lacks:
      // refused before the job is queued, not when a worker starts it.
      {{"--smiles", "CCO", "--level", "b3lyp/sto-3g[Sn:6-31G*]"}, "6-31G* given for Sn"},
  };
  int n = 0;
  for (const auto& c : cases) {
    std::vector<std::string> submit_args{"submit"};
    submit_args.insert(submit_args.end(), c.args.begin(), c.args.end());
    auto s = run_qmnmr(submit_args, env());
    std::string what;
    for (const auto& a : c.args) what += a + " ";
    EXPECT_NE(s.code, 0) << what;
    EXPECT_NE(lower(s.err).find(lower(c.expect)), std::string::npos) << what << "\n" << s.err;
    EXPECT_TRUE(s.out.empty()) << what << ": printed " << s.out;
    expect_only(good, what);
    if (std::find(c.args.begin(), c.args.end(), "--priority") != c.args.end())
      continue;  // a CLI11 parse error ("Could not convert"), and run has no --priority
    EXPECT_EQ(s.err.rfind("qmnmr: error: ", 0), 0u) << what << "\n" << s.err;
    // `run` gives the same error about the molecule and settings.
    std::vector<std::string> run_args{"run", "--out",
                                      (tmp_.path() / ("run-" + std::to_string(++n))).string()};
    run_args.insert(run_args.end(), c.args.begin(), c.args.end());
    auto r = run_qmnmr(run_args, env());
    EXPECT_NE(r.code, 0) << what;
    const std::string message = s.err.substr(0, s.err.find('\n')).substr(14);
    EXPECT_NE(r.err.find(message), std::string::npos) << what << "\nrun: " << r.err
                                                       << "\nsubmit: " << message;
  }
}

TEST_F(QueueCliItest, SubmitStatusListCancelPrintParseableJsonAndIdsAreValidated) {
  auto e = env();
  auto s = run_qmnmr(
      {"submit", "--smiles", "CCO", "--preset", "test", "--priority", "5", "--json"}, e);
  ASSERT_EQ(s.code, 0) << s.err;
  auto submitted = json::parse(s.out);
  const std::string id = submitted.at("job_id");
  EXPECT_EQ(submitted.value("status", ""), "queued");
  EXPECT_TRUE(fs::exists(store_.status_path(id)));

  auto st = run_qmnmr({"status", id, "--json"}, e);
  ASSERT_EQ(st.code, 0) << st.err;
  EXPECT_EQ(json::parse(st.out).value("status", ""), "queued");
  auto list = run_qmnmr({"list", "--json"}, e);
  auto rows = json::parse(list.out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].value("priority", 0), 5);
  EXPECT_EQ(rows[0].value("attempts", -1), 0);
  auto text = run_qmnmr({"list"}, e);
  EXPECT_NE(text.out.find(id), std::string::npos);

  auto res = run_qmnmr({"result", id, "--json"}, e);
  EXPECT_NE(res.code, 0);
  EXPECT_NE(res.err.find("queued, not complete"), std::string::npos) << res.err;

  auto c = run_qmnmr({"cancel", id}, e);
  EXPECT_EQ(c.code, 0) << c.err;
  auto after = json::parse(run_qmnmr({"status", id, "--json"}, e).out);
  EXPECT_EQ(after.value("status", ""), "cancelled");
  EXPECT_TRUE(after["completed_at"].is_string());
  EXPECT_EQ(json::parse(queue::read_file(store_.status_path(id))).value("status", ""),
            "cancelled");
  EXPECT_EQ(run_qmnmr({"cancel", id}, e).code, 1);

  for (const std::string bad : {"../etc", "a/b", "..", "x y"}) {
    for (const std::vector<std::string>& cmd :
         {std::vector<std::string>{"status", bad}, {"cancel", bad}, {"result", bad}}) {
      auto r = run_qmnmr(cmd, e);
      EXPECT_EQ(r.code, 1) << cmd[0] << " " << bad;
      EXPECT_NE(r.err.find("invalid job id"), std::string::npos) << cmd[0] << " " << bad << ": "
                                                                  << r.err;
    }
  }
  auto missing = run_qmnmr({"status", "0123456789abcdef0123456789abcdef"}, e);
  EXPECT_EQ(missing.code, 1);
  auto bad_state = run_qmnmr({"list", "--state", "sleeping"}, e);
  EXPECT_EQ(bad_state.code, 1);
  EXPECT_NE(bad_state.err.find("sleeping"), std::string::npos) << bad_state.err;

  // Another data root holds no queue: a clear error, not an empty one created.
  auto elsewhere = run_qmnmr({"list", "--data", (tmp_.path() / "empty").string()}, e);
  EXPECT_EQ(elsewhere.code, 1);
  EXPECT_NE(elsewhere.err.find("no queue"), std::string::npos) << elsewhere.err;
}

TEST_F(QueueCliItest, HealthFollowsARealWorkersHeartbeat) {
  auto e = env();
  auto health = [&] {
    return run_qmnmr({"health", "--data", data_.string(), "--worker", "health-w", "--max-age",
                      "2"},
                     e);
  };
  EXPECT_EQ(health().code, 1) << "no worker yet";
  auto worker = start_worker("health-w");  // empty queue: it idles
  ASSERT_TRUE(wait_until([&] { return heartbeat("health-w").is_object(); }, 30s))
      << worker->err();
  auto ok = health();
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;

  worker->signal(SIGSTOP);
  std::this_thread::sleep_for(3500ms);
  auto stale = health();
  EXPECT_EQ(stale.code, 1) << stale.out;
  worker->signal(SIGCONT);
  EXPECT_TRUE(wait_until([&] { return health().code == 0; }, 5s));

  worker->signal(SIGINT);
  auto code = worker->wait_exit(10s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << worker->err();
  auto gone = health();
  EXPECT_EQ(gone.code, 1);
  EXPECT_NE(gone.out.find("stopped"), std::string::npos) << gone.out;
}

}  // namespace
}  // namespace qmnmr::worker_testing
