// check_health on real heartbeat files: fresh, stale, dead pid, missing,
// malformed, stopped, other hosts, newest of several.
#include "container/health.h"

#include <unistd.h>

#include <random>

#include <gtest/gtest.h>

#include "container/heartbeat.h"
#include "container/supervisor.h"
#include "queue/atomic_file.h"

namespace qmnmr::container {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;
using Clock = std::chrono::system_clock;

class HealthTest : public ::testing::Test {
 protected:
  HealthTest() {
    dir_ = fs::temp_directory_path() /
           ("qmnmr-health-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_ / "workers");
  }
  ~HealthTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  WorkerSnapshot me(const std::string& id) {
    return WorkerSnapshot{id, ::getpid(), hostname(), "busy", "job-1", "shielding", 0};
  }
  void write(const WorkerSnapshot& s, Clock::time_point t) {
    queue::write_file_atomic(heartbeat_path(dir_, s.worker_id), heartbeat_json(s, t));
  }
  fs::path dir_;
};

TEST_F(HealthTest, FreshHeartbeatIsHealthy) {
  const auto now = Clock::now();
  write(me("w1"), now - seconds(3));
  auto r = check_health(dir_, std::nullopt, seconds(30), now);
  EXPECT_TRUE(r.healthy) << r.reason;
  EXPECT_EQ(r.reason, "worker w1 is busy (job job-1, stage shielding), heartbeat 3 s old");
  EXPECT_TRUE(check_health(dir_, std::string("w1"), seconds(30), now).healthy);
}

TEST_F(HealthTest, HeartbeatWriterOutputIsHealthy) {
  WorkerState state("live");
  HeartbeatWriter writer(dir_, state, std::chrono::milliseconds(100));
  auto r = check_health(dir_, std::string("live"), seconds(30));
  EXPECT_TRUE(r.healthy) << r.reason;
  writer.stop();
  r = check_health(dir_, std::string("live"), seconds(30));
  EXPECT_FALSE(r.healthy);
  EXPECT_EQ(r.reason, "worker live has stopped");
}

TEST_F(HealthTest, StaleHeartbeatFails) {
  const auto now = Clock::now();
  write(me("w1"), now - seconds(42));
  auto r = check_health(dir_, std::nullopt, seconds(30), now);
  EXPECT_FALSE(r.healthy);
  EXPECT_EQ(r.reason, "heartbeat of worker w1 is 42 s old (max 30 s)");
}

TEST_F(HealthTest, DeadPidFails) {
  // A pid that really existed and is gone: a finished child.
  pid_t dead = 0;
  ProcessSpec spec;
  spec.argv = {"true"};
  ASSERT_TRUE(run_process(spec, {}, [&](pid_t p) { dead = p; }).ok());
  auto s = me("w9");
  s.pid = dead;
  write(s, Clock::now());
  auto r = check_health(dir_, std::string("w9"), seconds(30));
  EXPECT_FALSE(r.healthy);
  EXPECT_EQ(r.reason, "worker w9 pid " + std::to_string(dead) + " is not running");
}

TEST_F(HealthTest, MissingHeartbeatFails) {
  auto r = check_health(dir_, std::nullopt, seconds(30));
  EXPECT_FALSE(r.healthy);
  EXPECT_EQ(r.reason, "no heartbeat in " + (dir_ / "workers").string() +
                          " (is a worker running with --data " + dir_.string() + "?)");
  r = check_health(dir_ / "nowhere", std::nullopt, seconds(30));
  EXPECT_FALSE(r.healthy);
  EXPECT_NE(r.reason.find("no heartbeat in"), std::string::npos);
  r = check_health(dir_, std::string("w7"), seconds(30));
  EXPECT_FALSE(r.healthy);
  EXPECT_NE(r.reason.find("no heartbeat of worker w7"), std::string::npos) << r.reason;
}

TEST_F(HealthTest, MalformedHeartbeatFails) {
  queue::write_file_atomic(dir_ / "workers" / "bad.json", "{\"worker_id\": \"bad\", ");
  auto r = check_health(dir_, std::string("bad"), seconds(30));
  EXPECT_FALSE(r.healthy);
  EXPECT_NE(r.reason.find("malformed"), std::string::npos) << r.reason;
  r = check_health(dir_, std::nullopt, seconds(30));
  EXPECT_FALSE(r.healthy);
  EXPECT_NE(r.reason.find("malformed"), std::string::npos) << r.reason;
  // A good heartbeat beside it wins.
  write(me("good"), Clock::now());
  EXPECT_TRUE(check_health(dir_, std::nullopt, seconds(30)).healthy);
}

TEST_F(HealthTest, PicksNewestOfThisHostAndIgnoresOtherHosts) {
  const auto now = Clock::now();
  auto elsewhere = me("remote");
  elsewhere.hostname = hostname() + "-elsewhere";
  write(elsewhere, now);
  auto r = check_health(dir_, std::nullopt, seconds(30), now);
  EXPECT_FALSE(r.healthy);
  EXPECT_NE(r.reason.find("1 heartbeat(s) from other hosts"), std::string::npos) << r.reason;

  write(me("old"), now - seconds(100));
  write(me("new"), now - seconds(1));
  r = check_health(dir_, std::nullopt, seconds(30), now);
  EXPECT_TRUE(r.healthy) << r.reason;
  EXPECT_EQ(r.reason.rfind("worker new ", 0), 0u) << r.reason;
  EXPECT_FALSE(check_health(dir_, std::string("old"), seconds(30), now).healthy);
}

}  // namespace
}  // namespace qmnmr::container
