// Issue 21, no input brings a mode down, with the built qmnmr: a queue row and
// a status.json edited to hold JSON nested 200,000 deep, an input.json charge
// of 4294967296, a --calibration file nested or sized beyond the limits. The
// worker fails those jobs with the reason and goes on to the next; the command
// line answers `qmnmr: error: ...` naming the limit; nothing dies of a signal.
#include <sqlite3.h>

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/worker_fixture.h"

namespace qmnmr::worker_testing {
namespace {
using namespace std::chrono_literals;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

const std::string kNested = std::string(200000, '[') + std::string(200000, ']');

void sql(const fs::path& db, const std::string& statement) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(h, statement.c_str(), nullptr, nullptr, &err);
  const std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

class InputLimitsItest : public WorkerItest {};

TEST_F(InputLimitsItest, TheWorkerFailsJobsWithHostileInputAndGoesOn) {
  const std::string deep = submit(ethanol({"--priority", "2"}));
  const std::string narrowed = submit(ethanol({"--priority", "1"}));
  sql(store_.queue_db_path(), "UPDATE jobs SET input_json = '{\"smiles\": \"CCO\", \"calibration\": " +
                                  kNested + "}' WHERE id = '" + deep + "'");
  sql(store_.queue_db_path(),
      "UPDATE jobs SET input_json = json_set(input_json, '$.charge', 4294967296) WHERE id = '" +
          narrowed + "'");
  // Its status.json edited too: read back by the worker, it must be replaced, not recursed.
  queue::write_file_atomic(store_.status_path(narrowed), "{\"input\": " + kNested + "}");

  auto w = start_worker("limits-w", {"--once"});
  auto code = w->wait_exit(120s);
  ASSERT_TRUE(code.has_value()) << "the worker did not finish";
  EXPECT_EQ(*code, 0) << "killed or failed: " << w->err();

  auto first = record(deep);
  EXPECT_EQ(first.state, queue::JobState::failed);
  EXPECT_THAT(first.error_message.value_or(""), HasSubstr("limit of 64 levels"));
  auto second = record(narrowed);
  EXPECT_EQ(second.state, queue::JobState::failed) << "the worker went on to the next job";
  EXPECT_THAT(second.error_message.value_or(""), HasSubstr("'charge' is 4294967296"));
  auto st = status_json(narrowed);
  EXPECT_EQ(st.value("status", ""), "failed") << st.dump().substr(0, 300);
  EXPECT_THAT(st.value("error_message", ""), HasSubstr("from -100 to 100"));
}

TEST_F(InputLimitsItest, TheCommandLineNamesTheLimitInsteadOfDying) {
  const fs::path deep = tmp_.path() / "deep-calibration.json";  // 20 kB: under the size limit
  std::ofstream(deep) << std::string(10000, '[') << std::string(10000, ']');
  const fs::path big = tmp_.path() / "big-calibration.json";
  std::ofstream(big) << kNested;  // 400 kB
  const std::vector<std::string> run{"run", "--smiles", "CCO", "--preset", "draft",
                                     "--conformers", "single", "--out",
                                     (tmp_.path() / "job").string()};
  auto with = [&](std::vector<std::string> extra) {
    auto a = run;
    a.insert(a.end(), extra.begin(), extra.end());
    return run_qmnmr(a, env());
  };
  auto r = with({"--calibration", deep.string()});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("qmnmr: error: calibration file " + deep.string() +
                               " nests arrays/objects deeper than qmnmr's limit of 64 levels"));
  r = with({"--calibration", big.string()});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("more than qmnmr's limit of 65536 bytes"));
  r = with({"--charge", "1000"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("qmnmr: error: charge 1000 is out of range; give --charge from"));

  // A job folder's input.json edited to nest deeply: the rerun refuses it.
  fs::create_directories(tmp_.path() / "job");
  queue::write_file_atomic(tmp_.path() / "job" / "input.json", kNested);
  r = with({});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("input.json nests arrays/objects deeper than"));

  // `qmnmr status` of a job whose status.json was edited so.
  const std::string id = submit(ethanol());
  queue::write_file_atomic(store_.status_path(id), "{\"a\": " + kNested + "}");
  r = run_qmnmr({"status", id, "--json"}, env());
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("qmnmr: error: "));
  EXPECT_THAT(r.err, HasSubstr("limit of 64 levels (at byte 69, in \"a\")"));  // the 65th [
}

}  // namespace
}  // namespace qmnmr::worker_testing
