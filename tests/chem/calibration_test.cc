// Calibration documents: read back what is written, refused with the field at
// fault, applied only at their own level and solvent, and turned into shifts
// with the cross-validated MAE as the uncertainty.
#include <gtest/gtest.h>

#include "chem/calibration.h"
#include "chem/error.h"
#include "chem/shift_conversion.h"

namespace qmnmr::chem {
namespace {

Calibration draft_chcl3() {
  Calibration c;
  c.name = "lab.json";
  c.preset = "draft";
  c.level = find_preset("draft").level_label();
  c.solvent = "chcl3";
  c.geometry = "fixed";
  c.set = "delta50";
  c.compounds = 40;
  c.nuclei["1H"] = {-0.95, 30.1, 120, 0.15, 0.2, 0.12, 0.17};
  c.nuclei["13C"] = {-0.97, 184.0, 110, 2.5, 3.3, 2.2, 3.0};
  return c;
}

TEST(Calibration, RoundTripsThroughJson) {
  auto c = calibration_from_json(draft_chcl3().to_json(), "test");
  EXPECT_EQ(c.name, "lab.json");
  EXPECT_EQ(c.preset, "draft");
  EXPECT_EQ(c.compounds, 40);
  ASSERT_NE(c.line_for(Nucleus::c13), nullptr);
  EXPECT_DOUBLE_EQ(c.line_for(Nucleus::c13)->intercept, 184.0);
  EXPECT_DOUBLE_EQ(c.line_for(Nucleus::h1)->cv_mae, 0.15);
}

TEST(Calibration, BadDocumentsNameTheField) {
  auto j = draft_chcl3().to_json();
  j.erase("level");
  try {
    calibration_from_json(j, "file 'x.json'");
    FAIL();
  } catch (const ChemError& e) {
    EXPECT_NE(std::string(e.what()).find("\"level\""), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("x.json"), std::string::npos) << e.what();
  }
  j = draft_chcl3().to_json();
  j["nuclei"]["1H"]["slope"] = 0.9;  // a shift cannot rise with the shielding
  EXPECT_THROW(calibration_from_json(j, "x"), ChemError);
  EXPECT_THROW(calibration_from_json(nlohmann::json{{"slope", 1}}, "x"), ChemError);
}

// Counts are whole numbers in range (get<int>() narrows 4294967296 to 0, and
// value("compounds", 0) throws a json type_error for text instead of naming the
// field); a document far larger than a calibration is refused.
TEST(Calibration, CountsAreCheckedAndTheDocumentIsBounded) {
  auto refused = [](const nlohmann::json& j, const std::string& part) {
    try {
      calibration_from_json(j, "file 'x.json'");
      ADD_FAILURE() << "accepted " << j.dump();
    } catch (const ChemError& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  for (const auto& bad : {nlohmann::json(4294967296LL), nlohmann::json(-1), nlohmann::json(2.5),
                          nlohmann::json("40")}) {
    auto j = draft_chcl3().to_json();
    j["compounds"] = bad;
    refused(j, "\"compounds\" must be a whole number from 0 to 1000000");
    j = draft_chcl3().to_json();
    j["nuclei"]["13C"]["n"] = bad;
    refused(j, "13C.n must be a whole number");
  }
  auto j = draft_chcl3().to_json();
  j["nuclei"]["1H"]["cv_rmsd"] = "0.2";
  refused(j, "1H.cv_rmsd is not a number");
  j = draft_chcl3().to_json();
  j["set"] = std::string(kMaxCalibrationBytes, 'x');
  refused(j, "more than the limit of 65536");
}

TEST(Calibration, AppliesOnlyAtItsLevelAndSolvent) {
  auto c = draft_chcl3();
  EXPECT_NO_THROW(check_calibration_applies(c, find_preset("draft"), find_solvent("chcl3")));
  try {
    check_calibration_applies(c, find_preset("production"), find_solvent("chcl3"));
    FAIL();
  } catch (const ChemError& e) {
    EXPECT_NE(std::string(e.what()).find("--preset draft"), std::string::npos) << e.what();
  }
  EXPECT_THROW(check_calibration_applies(c, find_preset("draft"), find_solvent("dmso")), ChemError);
}

TEST(Calibration, ConvertsShieldingsAndReportsItsCrossValidatedError) {
  auto c = draft_chcl3();
  const auto& draft = find_preset("draft");
  const auto& chcl3 = find_solvent("chcl3");
  EXPECT_EQ(shift_method_for(draft, chcl3, Nucleus::h1, &c), ShiftMethod::calibration);
  EXPECT_EQ(shift_method_for(draft, chcl3, Nucleus::h1), ShiftMethod::tms_reference);
  auto conv = shift_conversion_for(draft, chcl3, Nucleus::c13, std::nullopt, &c);
  EXPECT_NEAR(conv.shift(150.0), -0.97 * 150.0 + 184.0, 1e-12);
  EXPECT_DOUBLE_EQ(*conv.mae, 2.5);
  auto j = conv.to_json();
  EXPECT_EQ(j["method"], "calibration");
  EXPECT_NE(j["source"].get<std::string>().find("lab.json"), std::string::npos);
  // A calibration without a nucleus leaves that nucleus to the preset's own conversion.
  c.nuclei.erase("13C");
  EXPECT_EQ(shift_method_for(draft, chcl3, Nucleus::c13, &c), ShiftMethod::tms_reference);
}

}  // namespace
}  // namespace qmnmr::chem
