// JobRequest read from input.json or a queue row: integers are range-checked,
// never narrowed (4294967296 must not become charge 0), and the command line's
// charge and multiplicity are held to the same ranges.
#include "runner/pipeline/job_request.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace qmnmr::runner {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

std::string refusal(const json& input) {
  try {
    request_from_json(input);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "accepted";
}

TEST(JobRequest, IntegersOfAnInputAreCheckedNotNarrowed) {
  EXPECT_EQ(json(4294967296LL).get<int>(), 0) << "what get<int>() would have made of it";
  for (const char* key : {"charge", "multiplicity", "max_conformers"})
    for (const char* value : {"4294967296", "-4294967296", "18446744073709551615", "1.5", "\"2\""}) {
      const json input =
          json::parse(std::string(R"({"smiles": "CCO", ")") + key + "\": " + value + "}");
      EXPECT_THAT(refusal(input), HasSubstr(std::string("'") + key + "'")) << input.dump();
    }
  EXPECT_THAT(refusal({{"smiles", "C"}, {"charge", 101}}), HasSubstr("from -100 to 100"));
  EXPECT_THAT(refusal({{"smiles", "C"}, {"multiplicity", 0}}), HasSubstr("from 1 to 101"));
  EXPECT_THAT(refusal({{"smiles", "C"}, {"max_conformers", 0}}), HasSubstr("max_conformers"));
  auto r = request_from_json({{"smiles", "C[NH3+]"}, {"charge", 1}, {"multiplicity", 1},
                              {"max_conformers", 2147483647}});
  EXPECT_EQ(r.molecule.charge, 1);
  EXPECT_EQ(r.max_conformers, 2147483647);
}

TEST(JobRequest, TheCommandLinesChargeAndMultiplicityHaveTheSameRanges) {
  JobRequest r;
  r.molecule.text = "C";
  r.molecule.charge = -2147483647 - 1;  // electron_count() would overflow on it
  try {
    check_request_settings(r);
    FAIL() << "accepted charge INT_MIN";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("--charge from -100 to 100"));
  }
  r.molecule.charge = std::nullopt;
  r.molecule.multiplicity = 1000;
  EXPECT_THROW(check_request_settings(r), std::invalid_argument);
  r.molecule.multiplicity = 1;
  EXPECT_NO_THROW(check_request_settings(r));
}

}  // namespace
}  // namespace qmnmr::runner
