// Tests the /dev/shm estimate, the verdict on a real directory, and the stale-segment scan
// (a segment this test maps is in use; an old unmapped one is stale).
#include "runner/resources/shm_check.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

namespace qmnmr::runner {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class ShmDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / ("qmnmr-shm-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path make_file(const std::string& name, std::size_t bytes, int age_seconds) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << std::string(bytes, 'x');
    const auto t = fs::file_time_type::clock::now() - std::chrono::seconds(age_seconds);
    fs::last_write_time(p, t);
    return p;
  }

  fs::path dir_;
};

TEST(ShmEstimate, FollowsTheMeasurement) {
  EXPECT_EQ(shm_bytes_needed(1), 0u);  // one rank: no vader segment at all
  EXPECT_EQ(shm_bytes_needed(2), 12u << 20);
  EXPECT_EQ(shm_bytes_needed(4), 24u << 20);
  // Each rank's measured 4 MiB vader segment fits inside its share.
  EXPECT_GT(shm_bytes_needed(2), 2u * 4194312u);
}

TEST(ShmNames, KnowsOpenMpiAndArmciSegments) {
  EXPECT_TRUE(is_mpi_segment_name("vader_segment.vm.0.7a610001.1"));
  EXPECT_TRUE(is_mpi_segment_name("osc_rdma.vm.7bc10001.26"));
  EXPECT_TRUE(is_mpi_segment_name("sm_segment.host.1000.1"));
  EXPECT_FALSE(is_mpi_segment_name("queue.db-shm"));
  EXPECT_FALSE(is_mpi_segment_name("sem.myapp"));
}

TEST(FormatBytes, Units) {
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(1u << 20), "1.0 MiB");
  EXPECT_EQ(format_bytes(3ULL << 30), "3.0 GiB");
}

TEST_F(ShmDir, StaleOnlyWhenOldAndUnmapped) {
  const fs::path stale = make_file("vader_segment.test.dead0001.0", 4096, 3600);
  make_file("vader_segment.test.beef0001.0", 4096, 0);  // too young to judge
  make_file("unrelated.file", 4096, 3600);               // not an MPI name
  const fs::path mapped = make_file("vader_segment.test.live0001.0", 4096, 3600);
  const int fd = ::open(mapped.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  void* addr = ::mmap(nullptr, 4096, PROT_READ, MAP_SHARED, fd, 0);
  ASSERT_NE(addr, MAP_FAILED);
  ::close(fd);

  const auto found = find_stale_segments(dir_, "/proc", std::chrono::seconds(60));
  ::munmap(addr, 4096);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].path.filename(), stale.filename());
  EXPECT_EQ(found[0].bytes, 4096u);
  EXPECT_TRUE(found[0].ours);

  EXPECT_EQ(remove_stale_segments(found), 1);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(mapped));
}

TEST_F(ShmDir, VerdictOnAMissingDirectoryRefuses) {
  const auto v = check_shm(dir_ / "nope", 2);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.ranks_allowed, 0);
  EXPECT_THAT(v.message, HasSubstr("--shm-size"));
}

TEST_F(ShmDir, VerdictOnARoomyDirectoryAllowsAll) {
  const auto v = check_shm(dir_, 2);
  EXPECT_TRUE(v.ok);
  EXPECT_EQ(v.ranks_allowed, 2);
  EXPECT_GT(v.total_bytes, 0u);
  EXPECT_EQ(v.needed_bytes, 12u << 20);
  EXPECT_TRUE(v.message.empty()) << v.message;
}

TEST_F(ShmDir, VerdictReportsStaleSegments) {
  make_file("osc_rdma.test.dead0001.3", 100, 3600);
  const auto v = check_shm(dir_, 1);
  EXPECT_TRUE(v.ok);
  ASSERT_EQ(v.stale.size(), 1u);
  EXPECT_THAT(v.message, HasSubstr("stale"));
  EXPECT_THAT(v.message, HasSubstr("osc_rdma.test.dead0001.3"));
}

}  // namespace
}  // namespace qmnmr::runner
