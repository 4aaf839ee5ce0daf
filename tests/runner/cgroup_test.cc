// Tests the cgroup reader against fixture trees (tests/fixtures/cgroupfs/<scenario>/) and
// its pure parsers.
#include "runner/resources/cgroup.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace qmnmr::runner {
namespace {

const std::filesystem::path kFixtures = std::filesystem::path(QMNMR_FIXTURES_DIR) / "cgroupfs";

CgroupLimits read_scenario(const std::string& name) {
  std::ifstream in(kFixtures / name / "proc" / "self" / "cgroup");
  std::ostringstream os;
  os << in.rdbuf();
  EXPECT_FALSE(os.str().empty()) << "fixture " << name << " has no proc/self/cgroup";
  return read_cgroup_limits(kFixtures / name / "cgroup", os.str());
}

bool any_note_contains(const CgroupLimits& l, const std::string& text) {
  for (const auto& n : l.notes) {
    if (n.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(ParseProcCgroup, V1AndV2Lines) {
  const auto e = parse_proc_cgroup(
      "12:name=systemd:/user.slice\n4:memory:/process_api/abc\n2:cpu,cpuacct:/\n0::/a/b\n"
      "garbage\n");
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].hierarchy, 4);
  EXPECT_EQ(e[0].controllers, std::vector<std::string>{"memory"});
  EXPECT_EQ(e[0].path, "/process_api/abc");
  EXPECT_EQ(e[1].controllers, (std::vector<std::string>{"cpu", "cpuacct"}));
  EXPECT_EQ(e[2].hierarchy, 0);
  EXPECT_TRUE(e[2].controllers.empty());
  EXPECT_EQ(e[2].path, "/a/b");
}

TEST(CountCpuList, RangesAndSingles) {
  EXPECT_EQ(count_cpu_list("0-3,8,10-11"), 7);
  EXPECT_EQ(count_cpu_list("5"), 1);
  EXPECT_EQ(count_cpu_list("0-1\n"), 2);
  EXPECT_FALSE(count_cpu_list(""));
  EXPECT_FALSE(count_cpu_list("3-1"));
  EXPECT_FALSE(count_cpu_list("a-b"));
}

TEST(ParseMemoryLimit, MaxAndHugeMeanNone) {
  EXPECT_FALSE(parse_memory_limit("max"));
  EXPECT_FALSE(parse_memory_limit("9223372036854771712"));
  EXPECT_FALSE(parse_memory_limit("-1"));
  EXPECT_EQ(parse_memory_limit("3221225472\n"), 3221225472u);
  EXPECT_THROW(parse_memory_limit("lots"), std::invalid_argument);
}

TEST(CgroupV1, FractionalQuotaAndLeafMemory) {
  const auto l = read_scenario("v1_fractional");
  EXPECT_EQ(l.version, 1);
  ASSERT_TRUE(l.cpu_quota);
  EXPECT_DOUBLE_EQ(*l.cpu_quota, 1.5);
  EXPECT_NE(l.cpu_quota_source.find("cpu.cfs_quota_us=150000"), std::string::npos);
  ASSERT_TRUE(l.memory_bytes);
  EXPECT_EQ(*l.memory_bytes, 3221225472u);
  EXPECT_NE(l.memory_source.find("job"), std::string::npos);
  EXPECT_EQ(l.cpuset_cpus, 8);
}

TEST(CgroupV1, ParentTighterThanLeafWins) {
  const auto l = read_scenario("v1_parent_tighter");
  ASSERT_TRUE(l.cpu_quota);
  EXPECT_DOUBLE_EQ(*l.cpu_quota, 2.0);  // parent a: 2 CPUs; leaf a/b: 6
  ASSERT_TRUE(l.memory_bytes);
  EXPECT_EQ(*l.memory_bytes, 2147483648u);  // parent a: 2 GiB; leaf a/b: 8 GiB
  EXPECT_NE(l.memory_source.find("/a"), std::string::npos);
  EXPECT_EQ(l.memory_source.find("/a/b"), std::string::npos);
}

TEST(CgroupV1, UnlimitedMeansNoLimit) {
  const auto l = read_scenario("v1_unlimited");
  EXPECT_EQ(l.version, 1);
  EXPECT_FALSE(l.cpu_quota);
  EXPECT_FALSE(l.memory_bytes);
}

TEST(CgroupV1, ZeroPeriodIsIgnoredWithANote) {
  const auto l = read_scenario("v1_zero_period");
  EXPECT_FALSE(l.cpu_quota);
  EXPECT_TRUE(any_note_contains(l, "cpu.cfs_period_us"));
  EXPECT_EQ(l.memory_bytes, 1073741824u);
}

TEST(CgroupV1, MissingPathFallsBackToMountRoot) {
  const auto l = read_scenario("v1_container");
  EXPECT_EQ(l.version, 1);
  ASSERT_TRUE(l.cpu_quota);
  EXPECT_DOUBLE_EQ(*l.cpu_quota, 1.0);
  EXPECT_EQ(l.memory_bytes, 2147483648u);
  EXPECT_EQ(l.cpuset_cpus, 4);
  EXPECT_TRUE(any_note_contains(l, "not found"));
}

TEST(CgroupV1, MissingFilesGiveNoLimits) {
  const auto l = read_scenario("v1_missing_files");
  EXPECT_EQ(l.version, 1);
  EXPECT_FALSE(l.cpu_quota);  // a quota without a period file is not trusted
  EXPECT_TRUE(any_note_contains(l, "missing"));
  EXPECT_FALSE(l.memory_bytes);
  EXPECT_FALSE(l.cpuset_cpus);
}

TEST(CgroupV2, MaxMeansNone) {
  const auto l = read_scenario("v2_max");
  EXPECT_EQ(l.version, 2);
  EXPECT_FALSE(l.cpu_quota);
  EXPECT_FALSE(l.memory_bytes);
  EXPECT_EQ(l.cpuset_cpus, 8);
}

TEST(CgroupV2, NestedParentQuotaAndMemoryHigh) {
  const auto l = read_scenario("v2_nested");
  ASSERT_TRUE(l.cpu_quota);
  EXPECT_DOUBLE_EQ(*l.cpu_quota, 1.5);
  EXPECT_NE(l.cpu_quota_source.find("150000 100000"), std::string::npos);
  EXPECT_EQ(l.memory_bytes, 3221225472u);
  EXPECT_NE(l.memory_source.find("memory.high"), std::string::npos);
}

TEST(CgroupV2, CpusetNarrowerThanQuota) {
  const auto l = read_scenario("v2_cpuset_narrow");
  EXPECT_DOUBLE_EQ(l.cpu_quota.value_or(0), 4.0);
  EXPECT_EQ(l.cpuset_cpus, 2);
  EXPECT_NE(l.cpuset_source.find("cpuset.cpus.effective=2,5"), std::string::npos);
}

TEST(CgroupV2, ZeroPeriodIsIgnored) {
  const auto l = read_scenario("v2_zero_period");
  EXPECT_FALSE(l.cpu_quota);
  EXPECT_TRUE(any_note_contains(l, "zero period"));
  EXPECT_EQ(l.memory_bytes, 2147483648u);
}

TEST(Cgroup, NoFilesystemAtRoot) {
  const auto l = read_cgroup_limits("/nonexistent/qmnmr-cgroup", "0::/\n");
  EXPECT_EQ(l.version, 0);
  EXPECT_FALSE(l.cpu_quota);
  EXPECT_FALSE(l.memory_bytes);
  EXPECT_FALSE(l.notes.empty());
}

}  // namespace
}  // namespace qmnmr::runner
