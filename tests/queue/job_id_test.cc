// Job id validation (nothing that could escape data/jobs/) and generation.
#include "queue/job_id.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "queue/error.h"

namespace qmnmr::queue {
namespace {

TEST(JobId, AcceptsPlainNames) {
  for (const char* id : {"a", "j-20250101T120000Z-0123456789ab", "ethanol_1", "A.B-c_9", "0"}) {
    EXPECT_TRUE(is_valid_job_id(id)) << id;
    EXPECT_NO_THROW(validate_job_id(id)) << id;
  }
  EXPECT_TRUE(is_valid_job_id(std::string(64, 'x')));
}

TEST(JobId, RejectsPathsAndOddCharacters) {
  const std::string bad[] = {"",        "..",         ".",         "../x",    "a/../../etc",
                             "/etc",    "a/b",        ".hidden",   "-rf",     "a b",
                             "a\nb",    "a\tb",       "x;rm",      "$(id)",   "a\\b",
                             "caf\xc3\xa9", std::string("a\0b", 3), std::string(65, 'x'), "*",
                             "~root"};
  for (const auto& id : bad) {
    EXPECT_FALSE(is_valid_job_id(id)) << id;
    EXPECT_THROW(validate_job_id(id), QueueError) << id;
  }
}

TEST(JobId, ErrorNamesTheProblemWithoutEchoingControlCharacters) {
  try {
    validate_job_id("../../etc/passwd");
    FAIL();
  } catch (const QueueError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("looks like a path"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("qmnmr list"));
  }
  try {
    validate_job_id("evil\nline");
    FAIL();
  } catch (const QueueError& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    EXPECT_THAT(e.what(), ::testing::HasSubstr("evil\\x0aline"));
  }
  try {
    validate_job_id(std::string(100, 'a'));
    FAIL();
  } catch (const QueueError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("longer than 64"));
  }
}

TEST(JobId, GeneratedIdsAreValidTimestampedAndDistinct) {
  std::regex shape("j-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 5000; ++i) {
    auto id = generate_job_id();
    ASSERT_TRUE(std::regex_match(id, shape)) << id;
    ASSERT_TRUE(is_valid_job_id(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 5000u);
}

}  // namespace
}  // namespace qmnmr::queue
