// Tests for shielding -> shift conversion: regression at the production level,
// TMS reference elsewhere.
#include "chem/shift_conversion.h"

#include <gtest/gtest.h>

#include "chem/error.h"
#include "chem/shipped_calibrations.h"

namespace qmnmr::chem {
namespace {

TEST(ShiftConversion, ProductionChcl3Regression) {
  const Preset& p = find_preset("production");
  EXPECT_EQ(shift_method_for(p, find_solvent("chcl3"), Nucleus::h1), ShiftMethod::regression);
  ShiftConversion c = shift_conversion_for(p, find_solvent("chcl3"), Nucleus::h1);
  // 1H CHCl3: -0.9375324445748368 * 31.0 + 29.917572478615273 = 0.85406669... ppm
  EXPECT_NEAR(c.shift(31.0), 0.854066696796332, 1e-12);
  EXPECT_DOUBLE_EQ(*c.mae, 0.124);
  auto j = c.to_json();
  EXPECT_EQ(j["method"], "regression");
  EXPECT_EQ(j["solvent"], "CHCl3");
  EXPECT_EQ(j["nucleus"], "1H");
  EXPECT_DOUBLE_EQ(j["slope"].get<double>(), -0.9375324445748368);
  EXPECT_NE(j["source"].get<std::string>().find("10.3390/molecules28062449"), std::string::npos);
}

// results.json's shift_conversion names both: DELTA50's authors (Cohen et
// al.) for the data, the qm-nmr-calc project for the fitted factors.
TEST(ShiftConversion, TheRegressionCitesDelta50sAuthorsAndWhoFittedTheFactors) {
  const Preset& p = find_preset("production");
  for (Nucleus n : {Nucleus::h1, Nucleus::c13}) {
    auto j = shift_conversion_for(p, find_solvent("dmso"), n).to_json();
    const std::string source = j["source"].get<std::string>();
    EXPECT_NE(source.find("Cohen"), std::string::npos) << source;
    EXPECT_NE(source.find("qm-nmr-calc"), std::string::npos) << source;
    EXPECT_EQ(source.find("Grimblat"), std::string::npos) << source;
    ASSERT_TRUE(j.contains("citation")) << j.dump();
    const std::string data = j["citation"]["reference_data"].get<std::string>();
    EXPECT_NE(data.find("Cohen, Wood, Lam, Buevich, Sherer, Reibarkh, Williamson and Martin"),
              std::string::npos)
        << data;
    EXPECT_NE(data.find("Molecules 2023, 28, 2449"), std::string::npos) << data;
    EXPECT_NE(data.find("doi:10.3390/molecules28062449"), std::string::npos) << data;
    const std::string factors = j["citation"]["factors"].get<std::string>();
    EXPECT_NE(factors.find("qm-nmr-calc"), std::string::npos) << factors;
    EXPECT_NE(factors.find("NWChem and COSMO"), std::string::npos) << factors;
  }
  // TMS at the same level cites no regression.
  auto tms = shift_conversion_for(find_preset("draft"), find_solvent("chcl3"), Nucleus::h1, 31.9)
                 .to_json();
  EXPECT_FALSE(tms.contains("citation"));
}

TEST(ShiftConversion, CarbonInDcmAndVacuum) {
  const Preset& p = find_preset("production");
  ShiftConversion dcm = shift_conversion_for(p, find_solvent("dcm"), Nucleus::c13);
  EXPECT_NEAR(dcm.shift(100.0), -0.946299 * 100.0 + 172.2269, 1e-9);
  EXPECT_DOUBLE_EQ(*dcm.mae, 2.048);
  ShiftConversion vac = shift_conversion_for(p, find_solvent("vacuum"), Nucleus::c13);
  EXPECT_EQ(*vac.n, 219);
  EXPECT_NEAR(vac.shift(175.71087286822868 / 0.9726389627459856), 0.0, 1e-9);
}

TEST(ShiftConversion, EverySolventHasBothNuclei) {
  const Preset& p = find_preset("production");
  for (const Solvent& s : all_solvents())
    for (Nucleus n : {Nucleus::h1, Nucleus::c13})
      EXPECT_EQ(shift_method_for(p, s, n), ShiftMethod::regression) << s.key;
  EXPECT_EQ(all_regression_factors().size(), 26u);
}

TEST(ShiftConversion, OtherLevelsUseTms) {
  for (const char* name : {"draft", "test"}) {
    const Preset& p = find_preset(name);
    EXPECT_EQ(shift_method_for(p, find_solvent("chcl3"), Nucleus::c13), ShiftMethod::tms_reference);
    EXPECT_THROW(shift_conversion_for(p, find_solvent("chcl3"), Nucleus::c13), ChemError);
    ShiftConversion c = shift_conversion_for(p, find_solvent("chcl3"), Nucleus::c13, 190.5);
    EXPECT_DOUBLE_EQ(c.shift(120.25), 70.25);
    auto j = c.to_json();
    EXPECT_EQ(j["method"], "tms_reference");
    EXPECT_DOUBLE_EQ(j["sigma_tms"].get<double>(), 190.5);
    EXPECT_TRUE(j["mae"].is_null());
  }
}

TEST(ShiftConversion, AnOpenShellHasNoRegressionAndNoUncertainty) {
  // At the production level, where a closed shell takes the DELTA50 line.
  const Preset& p = find_preset("production");
  const Solvent& s = find_solvent("chcl3");
  EXPECT_EQ(shift_method_for(p, s, Nucleus::h1, nullptr, Shells::open), ShiftMethod::tms_reference);
  EXPECT_THROW(shift_conversion_for(p, s, Nucleus::h1, std::nullopt, nullptr, Shells::open),
               ChemError);
  ShiftConversion c = shift_conversion_for(p, s, Nucleus::h1, 31.5, nullptr, Shells::open);
  EXPECT_EQ(c.method, ShiftMethod::tms_reference);
  EXPECT_DOUBLE_EQ(c.shift(30.0), 1.5);
  EXPECT_FALSE(c.mae);
  auto j = c.to_json();
  EXPECT_EQ(j["open_shell"], true);
  EXPECT_TRUE(j["mae"].is_null());
  EXPECT_NE(j["source"].get<std::string>().find("paramagnetic"), std::string::npos);
}

// A preset taking 1H from B3LYP/def2-SVP and 13C from PBE0/def2-SVP converts
// each nucleus with the line shipped for its own level (chem/calibrations/,
// fitted by qmnmr bench levels), with that line's cross-validated MAE; the
// figures below are the shipped files', the shifts worked out by hand.
TEST(ShiftConversion, APresetPerNucleusConvertsEachNucleusWithItsOwnLevelsShippedLine) {
  const Preset p =
      preset_with_levels(find_preset("production"), "1H:b3lyp/def2-svp;13C:pbe0/def2-svp");
  const Solvent& chcl3 = find_solvent("chcl3");
  EXPECT_EQ(shift_method_for(p, chcl3, Nucleus::h1), ShiftMethod::calibration);
  const auto h = shift_conversion_for(p, chcl3, Nucleus::h1);
  EXPECT_EQ(h.level, "B3LYP/def2-svp//B3LYP/6-31G*");
  // 1H, B3LYP/def2-SVP on re-optimised B3LYP/6-31G* geometries (the job's
  // kind; it wins over the line on the set's own):
  // -0.98875514 * 30.000 + 31.39713649 = 1.73448229
  EXPECT_NEAR(h.shift(30.0), 1.73448229, 1e-6);
  EXPECT_NEAR(*h.mae, 0.10707978, 1e-6);
  EXPECT_NE(h.source.find("b3lyp_def2-svp@b3lyp_6-31Gs-chcl3"), std::string::npos) << h.source;
  const auto c = shift_conversion_for(p, chcl3, Nucleus::c13);
  EXPECT_EQ(c.method, ShiftMethod::calibration);
  EXPECT_EQ(c.level, "PBE0/def2-svp//B3LYP/6-31G*");
  // 13C, PBE0/def2-SVP: -0.99212117 * 60.000 + 193.94783595 = 134.42056553
  EXPECT_NEAR(c.shift(60.0), 134.42056553, 1e-6);
  EXPECT_NEAR(*c.mae, 1.26003039, 1e-6);
  EXPECT_TRUE(c.note.empty());
  // The basis in another case is the same NWChem basis.
  const Preset upper = preset_with_levels(find_preset("production"), "pbe0/DEF2-SVP");
  EXPECT_NEAR(shift_conversion_for(upper, chcl3, Nucleus::c13).shift(60.0), 134.42056553, 1e-6);
  // DMSO: the chloroform line, with the caveat; vacuum: no line (TMS).
  const auto d = shift_conversion_for(p, find_solvent("dmso"), Nucleus::h1);
  EXPECT_EQ(d.method, ShiftMethod::calibration);
  EXPECT_NEAR(d.shift(30.0), 1.73448229, 1e-6);
  EXPECT_NE(d.note.find("CDCl3"), std::string::npos) << d.note;
  EXPECT_NE(d.to_json().value("note", ""), "");
  EXPECT_EQ(shift_method_for(p, find_solvent("vacuum"), Nucleus::h1), ShiftMethod::tms_reference);
  // Every shipped file parses and names its provenance.
  ASSERT_FALSE(shipped_calibrations().empty());
  for (const auto& cal : shipped_calibrations()) {
    EXPECT_EQ(cal.provenance.value("nwchem_version", ""), "7.0.2") << cal.name;
    EXPECT_FALSE(cal.provenance.value("command", "").empty()) << cal.name;
    EXPECT_GT(cal.compounds, 0) << cal.name;
  }
}

// The `accurate` preset: 1H from production's level with the DELTA50 factors,
// 13C from CAM-B3LYP/def2-SVP with the line bench levels fitted on all 40
// shared compounds (chem/calibrations/cam-b3lyp_def2-svp@set-chcl3.json);
// the shifts worked out by hand from those figures.
TEST(ShiftConversion, TheAccuratePresetTakes1HFromProductionAnd13CFromCamB3lyp) {
  const Preset& p = find_preset("accurate");
  ASSERT_EQ(p.shielding_runs().size(), 2u);
  EXPECT_EQ(p.level_label(), "1H B3LYP/6-311+G(2d,p), 13C CAM-B3LYP/def2-svp//B3LYP/6-31G*");
  const Solvent& chcl3 = find_solvent("chcl3");
  const auto h = shift_conversion_for(p, chcl3, Nucleus::h1);
  EXPECT_EQ(h.method, ShiftMethod::regression);
  // -0.9375324445748368 * 30.000 + 29.917572478615273 = 1.79159914
  EXPECT_NEAR(h.shift(30.0), 1.79159914, 1e-6);
  const auto c = shift_conversion_for(p, chcl3, Nucleus::c13);
  EXPECT_EQ(c.method, ShiftMethod::calibration);
  EXPECT_EQ(c.level, "CAM-B3LYP/def2-svp//B3LYP/6-31G*");
  // -0.9810995645482766 * 60.000 + 191.3439308663935 = 132.47795699
  EXPECT_NEAR(c.shift(60.0), 132.47795699, 1e-6);
  EXPECT_NEAR(*c.mae, 1.32649803, 1e-6);
  EXPECT_EQ(*c.n, 106);
  EXPECT_NE(c.source.find("cam-b3lyp_def2-svp@set-chcl3"), std::string::npos) << c.source;
}

// Shieldings on xTB minima take only a line fitted on xTB minima: B3LYP/def2-SVP
// has one (chem/calibrations/b3lyp_def2-svp@gfn2-xtb-chcl3.json); a level
// without one falls to TMS, never to a line fitted on DFT geometries.
TEST(ShiftConversion, OnXtbMinimaOnlyALineFittedOnXtbMinimaApplies) {
  const Solvent& chcl3 = find_solvent("chcl3");
  const Preset x = preset_with_levels(find_preset("production"), "b3lyp/def2-svp//gfn2-xtb");
  const auto h = shift_conversion_for(x, chcl3, Nucleus::h1);
  ASSERT_EQ(h.method, ShiftMethod::calibration);
  EXPECT_EQ(h.level, "B3LYP/def2-svp//GFN2-xTB");
  // -0.99131433 * 30.000 + 31.67005968 = 1.93062978
  EXPECT_NEAR(h.shift(30.0), 1.93062978, 1e-6);
  EXPECT_NEAR(*h.mae, 0.08997479, 1e-6);
  EXPECT_NE(h.source.find("b3lyp_def2-svp@gfn2-xtb-chcl3"), std::string::npos) << h.source;
  const auto c = shift_conversion_for(x, chcl3, Nucleus::c13);
  // -1.01236916 * 60.000 + 195.36055470 = 134.61840510
  EXPECT_NEAR(c.shift(60.0), 134.61840510, 1e-6);
  const Preset pbe0 = preset_with_levels(find_preset("production"), "pbe0/def2-svp//gfn2-xtb");
  EXPECT_EQ(shift_method_for(pbe0, chcl3, Nucleus::h1), ShiftMethod::tms_reference);
}

TEST(ShiftConversion, NucleusForElement) {
  EXPECT_EQ(nucleus_for_element("H"), Nucleus::h1);
  EXPECT_EQ(nucleus_for_element("C"), Nucleus::c13);
  EXPECT_FALSE(nucleus_for_element("O"));
  EXPECT_EQ(nucleus_name(Nucleus::c13), "13C");
}

}  // namespace
}  // namespace qmnmr::chem
