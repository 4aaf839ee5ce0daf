// HeartbeatWriter: the file appears, is valid JSON, is replaced as time
// advances, runs on_tick, follows WorkerState, and stops promptly.
#include "container/heartbeat.h"

#include <unistd.h>

#include <atomic>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "queue/atomic_file.h"

namespace qmnmr::container {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

class HeartbeatTest : public ::testing::Test {
 protected:
  HeartbeatTest() {
    dir_ = fs::temp_directory_path() /
           ("qmnmr-hb-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
  }
  ~HeartbeatTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  nlohmann::json read_beat(const std::string& id) {
    return nlohmann::json::parse(queue::read_file(heartbeat_path(dir_, id)));
  }
  fs::path dir_;
};

TEST_F(HeartbeatTest, FileAppearsIsJsonAndIsReplaced) {
  WorkerState state("w1");
  std::atomic<int> ticks{0};
  HeartbeatWriter writer(dir_, state, milliseconds(50), [&] { ++ticks; });
  EXPECT_EQ(writer.path(), dir_ / "workers" / "w1.json");
  ASSERT_TRUE(fs::exists(writer.path()));  // first beat before the constructor returned
  auto first = read_beat("w1");
  EXPECT_EQ(first["worker_id"], "w1");
  EXPECT_EQ(first["pid"], ::getpid());
  EXPECT_EQ(first["hostname"], hostname());
  EXPECT_EQ(first["state"], "idle");
  EXPECT_TRUE(first["job_id"].is_null());
  EXPECT_TRUE(first["stage"].is_null());
  EXPECT_TRUE(first["child_pid"].is_null());
  const std::string t = first["time"];
  ASSERT_EQ(t.size(), 24u) << t;
  EXPECT_EQ(t.back(), 'Z');
  EXPECT_EQ(t[10], 'T');
  const double now = std::chrono::duration<double>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(first["time_unix"].get<double>(), now, 5.0);

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (writer.beats() < 4 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_GE(writer.beats(), 4);
  EXPECT_GE(ticks.load(), 4);
  auto later = read_beat("w1");
  EXPECT_GT(later["time_unix"].get<double>(), first["time_unix"].get<double>());
  EXPECT_NE(later["time"], first["time"]);
  // No temporary files left beside it.
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "workers")) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
}

TEST_F(HeartbeatTest, FollowsStateAndStopsPromptlyAsStopped) {
  WorkerState state("worker-2");
  std::atomic<int> ticks{0};
  auto start = std::chrono::steady_clock::now();
  {
    HeartbeatWriter writer(dir_, state, std::chrono::hours(1), [&] { ++ticks; });
    state.set_job("job-abc", "xtb");
    state.child_started(4242);
    state.child_started(4343);  // two packed NWChem slots
    ASSERT_TRUE(writer.beat_now());
    auto busy = read_beat("worker-2");
    EXPECT_EQ(busy["state"], "busy");
    EXPECT_EQ(busy["job_id"], "job-abc");
    EXPECT_EQ(busy["stage"], "xtb");
    EXPECT_EQ(busy["child_pid"], 4242);
    EXPECT_EQ(busy["child_pids"], nlohmann::json::array({4242, 4343}));
    state.child_ended(4242);
    ASSERT_TRUE(writer.beat_now());
    EXPECT_EQ(read_beat("worker-2")["child_pid"], 4343);
    EXPECT_EQ(ticks.load(), 3);  // constructor + two beat_now

    state.set_state(WorkerState::State::draining);
    state.clear_job();
    writer.beat_now();
    auto draining = read_beat("worker-2");
    EXPECT_EQ(draining["state"], "draining");
    EXPECT_TRUE(draining["job_id"].is_null());
    EXPECT_TRUE(draining["child_pid"].is_null());
    EXPECT_TRUE(draining["child_pids"].empty());
    writer.stop();
    writer.stop();  // idempotent
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(read_beat("worker-2")["state"], "stopped");
}

TEST_F(HeartbeatTest, RejectsIdsThatAreNotFileNames) {
  EXPECT_THROW(WorkerState("../evil"), std::invalid_argument);
  EXPECT_THROW(WorkerState(""), std::invalid_argument);
  EXPECT_THROW(WorkerState(".."), std::invalid_argument);
  EXPECT_NO_THROW(WorkerState("host-1234_a"));
}

TEST(HeartbeatFormatTest, Iso8601Utc) {
  using namespace std::chrono;
  system_clock::time_point t{milliseconds(1714564800123LL)};  // 2024-05-01T12:00:00.123Z
  EXPECT_EQ(iso8601_utc(t), "2024-05-01T12:00:00.123Z");
  EXPECT_EQ(iso8601_utc(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace qmnmr::container
