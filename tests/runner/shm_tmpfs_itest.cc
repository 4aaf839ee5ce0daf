// The /dev/shm check on real tiny tmpfs mounts: a 1 MiB tmpfs holds one NWChem rank, a
// 16 MiB one two; a stale segment left in it is reported and removed. Mounting needs
// CAP_SYS_ADMIN: where it is not permitted the test fails in CI and skips otherwise.
#include <sys/mount.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "runner/resources/resource_plan.h"
#include "runner/resources/shm_check.h"

namespace qmnmr::runner {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class TinyTmpfs : public ::testing::Test {
 protected:
  // Mounts a tmpfs of `size` ("1m") at a fresh directory; false (with the test marked failed
  // or skipped) when mounting is not permitted.
  bool mount_tmpfs(const std::string& size) {
    dir_ = fs::path(testing::TempDir()) /
           ("qmnmr-shm-" + std::to_string(::getpid()) + "-" + size);
    fs::create_directories(dir_);
    const std::string options = "size=" + size + ",mode=1777";
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      const std::string why = "cannot mount a tmpfs at " + dir_.string() + ": " +
                              std::strerror(errno) + " (needs CAP_SYS_ADMIN)";
      if (std::getenv("CI")) {
        ADD_FAILURE() << why << " (CI is set, so this fails instead of skipping)";
      } else {
        skip_reason_ = why;
      }
      return false;
    }
    mounted_ = true;
    return true;
  }
  void TearDown() override {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  fs::path dir_;
  bool mounted_ = false;
  std::string skip_reason_;
};

TEST_F(TinyTmpfs, OneMebibyteHoldsOneRank) {
  if (!mount_tmpfs("1m")) {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    return;
  }
  const auto v = check_shm(dir_, 2);
  EXPECT_TRUE(v.ok);
  EXPECT_EQ(v.ranks_allowed, 1);
  EXPECT_EQ(v.total_bytes, 1u << 20);
  EXPECT_EQ(v.needed_bytes, 12u << 20);
  EXPECT_THAT(v.message, HasSubstr("has 1.0 MiB free, 2 NWChem ranks need about 12.0 MiB"));
  EXPECT_THAT(v.message, HasSubstr("--shm-size"));
  EXPECT_THAT(v.message, HasSubstr("shm_size"));
  EXPECT_THAT(v.message, HasSubstr("QMNMR_RANKS=1"));

  // The plan reads the same tmpfs and reduces its ranks with the same reason.
  SystemRoots roots;
  roots.cgroup_root = fs::path(QMNMR_FIXTURES_DIR) / "cgroupfs" / "v2_max" / "cgroup";
  roots.proc_root = fs::path(QMNMR_FIXTURES_DIR) / "cgroupfs" / "v2_max" / "proc";
  roots.shm_dir = dir_;
  roots.affinity_cpus = 4;
  const auto plan = make_plan(read_plan_inputs(roots, {}));
  EXPECT_EQ(plan.cpus, 4);
  EXPECT_EQ(plan.ranks, 1);
  EXPECT_EQ(plan.shm_bytes, 1u << 20);
  EXPECT_EQ(plan.threads_per_rank, 4);
}

TEST_F(TinyTmpfs, SixteenMebibytesHoldTwoRanksAndFillingItCountsDown) {
  if (!mount_tmpfs("16m")) {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    return;
  }
  auto v = check_shm(dir_, 4);
  EXPECT_TRUE(v.ok);
  EXPECT_EQ(v.ranks_allowed, 2);
  EXPECT_THAT(v.message, HasSubstr("running 2 ranks"));

  // A crashed run's 8 MiB segment: free space drops, 2 ranks no longer fit, and the
  // segment is reported as stale (old, mapped by nobody).
  const fs::path stale = dir_ / "vader_segment.testhost.dead0001.0";
  std::ofstream(stale) << std::string(8u << 20, 'x');
  fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::hours(1));
  v = check_shm(dir_, 2);
  EXPECT_EQ(v.ranks_allowed, 1);
  ASSERT_EQ(v.stale.size(), 1u);
  EXPECT_EQ(v.stale[0].path, stale);
  EXPECT_THAT(v.message, HasSubstr("stale"));

  EXPECT_EQ(remove_stale_segments(v.stale), 1);
  v = check_shm(dir_, 2);
  EXPECT_EQ(v.ranks_allowed, 2);
  EXPECT_TRUE(v.stale.empty());
  EXPECT_TRUE(v.message.empty()) << v.message;
}

}  // namespace
}  // namespace qmnmr::runner
