// The JSON limits of every text from outside: the raw-text depth scan (strings
// and escapes respected), the size limit (a file refused before it is read),
// errors naming the limit and the top-level member, and integer ranges.
#include "queue/json_limits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.h"

namespace qmnmr::queue {
namespace {

using ::testing::HasSubstr;

std::string nested(size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }

TEST(JsonDepth, CountsArraysAndObjectsNotBracketsInStrings) {
  EXPECT_EQ(json_depth("1"), 0u);
  EXPECT_EQ(json_depth("\"[[[{{{\""), 0u);
  EXPECT_EQ(json_depth("[]"), 1u);
  EXPECT_EQ(json_depth(R"({"a": [1, {"b": [[]]}], "c": {}})"), 5u);
  EXPECT_EQ(json_depth(R"(["]]]]", "[", {"k\"[": "\\"}, [[]]])"), 3u)
      << "escaped quotes and backslashes end no string early";
  EXPECT_EQ(json_depth(nested(200000)), 200000u) << "no recursion at any depth";
  EXPECT_EQ(json_depth(nested(200000), 65), 65u) << "stops counting at stop_at";
}

TEST(JsonLimits, TheDepthLimitIsExactAndNamesTheMember) {
  const std::string at_limit = R"({"calibration": )" + nested(kMaxJsonDepth - 1) + "}";
  EXPECT_NO_THROW(check_json_limits(at_limit, "body"));
  EXPECT_EQ(parse_json(at_limit, "body")["calibration"].size(), 1u);
  const std::string beyond = R"({"smiles": "[[[[", "calibration": )" + nested(kMaxJsonDepth) + "}";
  try {
    check_json_limits(beyond, "the request body");
    FAIL() << "accepted " << kMaxJsonDepth + 1 << " levels";
  } catch (const JsonLimitError& e) {
    EXPECT_EQ(e.limit, JsonLimitError::Limit::depth);
    EXPECT_EQ(e.member, "calibration") << "the string \"[[[[\" before it does not count";
    EXPECT_THAT(e.what(), HasSubstr("the request body"));
    EXPECT_THAT(e.what(), HasSubstr("limit of 64 levels"));
    EXPECT_THAT(e.what(), HasSubstr("\"calibration\""));
  }
  EXPECT_THROW(parse_json(nested(200000), "x"), JsonLimitError);
  // Unbalanced text is nlohmann's to refuse, after the scan.
  EXPECT_THROW(parse_json("]]]{", "x"), nlohmann::json::parse_error);
}

TEST(JsonLimits, TheSizeLimitNamesTheLimitAndAFileIsRefusedBeforeItIsRead) {
  try {
    check_json_limits(std::string(101, ' '), "calibration file x.json", 100);
    FAIL();
  } catch (const JsonLimitError& e) {
    EXPECT_EQ(e.limit, JsonLimitError::Limit::size);
    EXPECT_THAT(e.what(), HasSubstr("101 bytes, more than qmnmr's limit of 100 bytes"));
  }
  qmnmr::testing::TempDir dir("json-limits");
  const auto file = dir.path() / "big.json";
  std::ofstream(file) << "[" << std::string(200, ' ') << "]";
  EXPECT_THROW(read_json_file(file, 100), JsonLimitError);
  EXPECT_TRUE(read_json_file(file, 1000).is_array());
  const auto deep = dir.path() / "deep.json";
  std::ofstream(deep) << nested(1000);
  try {
    read_json_file(deep);
    FAIL();
  } catch (const JsonLimitError& e) {
    EXPECT_THAT(e.what(), HasSubstr(deep.string()));
  }
}

TEST(IntWithin, RefusesWhatGetIntWouldNarrow) {
  using nlohmann::json;
  EXPECT_EQ(int_within(json(5), 0, 10), 5);
  EXPECT_EQ(int_within(json(-3), -5, 5), -3);
  EXPECT_EQ(json(4294967296LL).get<int>(), 0) << "the narrowing this guards against";
  EXPECT_EQ(int_within(json(4294967296LL), -100, 100), std::nullopt);
  EXPECT_EQ(int_within(json(-4294967296LL), -100, 100), std::nullopt);
  EXPECT_EQ(int_within(json::parse("18446744073709551615"), -100, 100), std::nullopt);
  EXPECT_EQ(int_within(json(11), 0, 10), std::nullopt);
  EXPECT_EQ(int_within(json(1u), 2, 10), std::nullopt) << "unsigned below the range";
  EXPECT_EQ(int_within(json(1.0), 0, 10), std::nullopt) << "a float is not a whole number";
  EXPECT_EQ(int_within(json("1"), 0, 10), std::nullopt);
}

}  // namespace
}  // namespace qmnmr::queue
