// JobSpec: a request's names resolved once into the preset and solvent rows and
// the mode enums; bad names are refused with the fix; --stereoisomers survives
// input.json.
#include <gtest/gtest.h>

#include "chem/error.h"
#include "chem/shift_conversion.h"
#include "chem/solvents.h"
#include "runner/pipeline/job_spec.h"

namespace qmnmr::runner {
namespace {

JobRequest request() {
  JobRequest r;
  r.molecule.text = "CCO";
  return r;
}

TEST(JobSpec, ResolvesNamesIntoTypes) {
  auto r = request();
  r.preset = "draft";
  r.solvent = "dmso";
  r.conformers = "single";
  r.stereoisomers = "all";
  auto spec = resolve_job(r);
  EXPECT_EQ(spec.preset.name, "draft");
  EXPECT_EQ(spec.solvent->key, "dmso");
  EXPECT_EQ(spec.solvent->nmr_name, "DMSO-d6");
  EXPECT_EQ(spec.conformers, ConformerMode::single);
  EXPECT_EQ(spec.stereoisomers, StereoisomerMode::all);
  EXPECT_EQ(conformer_mode_name(spec.conformers), "single");
}

// Shieldings on xTB minima are not the DFT geometry's: the labels say so, and
// neither the DELTA50 factors (fitted on B3LYP/6-31G* geometries) nor a
// DFT-geometry calibration is applied to them.
TEST(JobSpec, XtbGeometryIsTheGeometryLevelOfEveryLabel) {
  auto r = request();
  r.geometry = "xtb";
  const auto spec = resolve_job(r);
  EXPECT_EQ(spec.geometry, GeometryMode::xtb);
  EXPECT_EQ(spec.preset.level_label(), "B3LYP/6-311+G(2d,p)//GFN2-xTB");
  const auto& chcl3 = chem::find_solvent("chcl3");
  EXPECT_NE(chem::shift_method_for(spec.preset, chcl3, chem::Nucleus::h1),
            chem::ShiftMethod::regression);
  r.geometry = "optimise";
  EXPECT_EQ(chem::shift_method_for(resolve_job(r).preset, chcl3, chem::Nucleus::h1),
            chem::ShiftMethod::regression);
  // The level text can name the xTB minima as its geometry.
  r.level = "pbe0/def2-svp//gfn2-xtb";
  const auto text = resolve_job(r);
  EXPECT_EQ(text.geometry, GeometryMode::xtb);
  EXPECT_EQ(text.preset.nucleus_level_label(chem::Nucleus::c13), "PBE0/def2-svp//GFN2-xTB");
  // A fixed geometry and a level on xTB minima contradict each other: refused by name.
  r.geometry = "fixed";
  r.conformers = "single";
  r.molecule.format = chem::MoleculeInput::Format::xyz;
  r.molecule.text = "3\nwater\nO 0 0 0\nH 0.96 0 0\nH -0.24 0.93 0\n";
  try {
    resolve_job(r);
    FAIL() << "accepted --geometry fixed with a //gfn2-xtb level";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("GFN2-xTB minima"), std::string::npos) << e.what();
  }
}

TEST(JobSpec, RefusesUnknownNamesWithTheChoices) {
  auto r = request();
  r.stereoisomers = "some";
  try {
    resolve_job(r);
    FAIL() << "accepted --stereoisomers some";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("one (the default) or all"), std::string::npos);
  }
  r = request();
  r.conformers = "cre";
  EXPECT_THROW(resolve_job(r), std::invalid_argument);
  r = request();
  r.preset = "fast";
  EXPECT_THROW(resolve_job(r), chem::ChemError);
}

TEST(JobSpec, StereoisomersRoundTripThroughInputJson) {
  auto r = request();
  EXPECT_FALSE(r.to_json().contains("stereoisomers"));  // older input.json files stay equal
  r.stereoisomers = "all";
  auto back = request_from_json(r.to_json());
  EXPECT_EQ(back.stereoisomers, "all");
}


TEST(JobSpec, OpenShellRoundTripsAndMustBeABoolean) {
  auto r = request();
  EXPECT_FALSE(r.to_json().contains("open_shell"));  // older input.json files stay equal
  r.open_shell = true;
  EXPECT_TRUE(request_from_json(r.to_json()).open_shell);
  EXPECT_TRUE(resolve_job(r).open_shell);
  auto j = r.to_json();
  j["open_shell"] = "yes";
  EXPECT_THROW(request_from_json(j), std::invalid_argument);
}

TEST(JobSpec, FixedGeometryNeedsAGeometryAndOneConformer) {
  auto r = request();
  r.geometry = "fixed";
  r.conformers = "single";
  try {
    resolve_job(r);  // a SMILES has no geometry to keep
    FAIL() << "accepted --geometry fixed with a SMILES";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--xyz or --sdf"), std::string::npos) << e.what();
  }
  r.molecule.format = chem::MoleculeInput::Format::xyz;
  r.molecule.text = "1\n\nC 0 0 0\n";
  EXPECT_EQ(resolve_job(r).geometry, GeometryMode::fixed);
  r.conformers = "rdkit";
  EXPECT_THROW(resolve_job(r), std::invalid_argument);
  r.conformers = "single";
  r.geometry = "relaxed";
  EXPECT_THROW(resolve_job(r), std::invalid_argument);
  r.geometry = "fixed";
  auto back = request_from_json(r.to_json());
  EXPECT_EQ(back.geometry, "fixed");
  EXPECT_FALSE(request().to_json().contains("geometry"));  // older input.json files stay equal
}

TEST(JobSpec, CalibrationIsCheckedAgainstThePresetAndSolvent) {
  chem::Calibration c;
  c.name = "lab";
  c.preset = "draft";
  c.level = chem::find_preset("draft").level_label();
  c.solvent = "chcl3";
  c.nuclei["1H"] = {-0.95, 30.1, 10, 0.15, 0.2, 0.1, 0.15};
  auto r = request();
  r.preset = "draft";
  r.calibration = c.to_json();
  auto spec = resolve_job(r);
  ASSERT_TRUE(spec.calibration);
  EXPECT_EQ(spec.calibration->name, "lab");
  EXPECT_EQ(request_from_json(r.to_json()).calibration, r.calibration);
  r.preset = "production";
  try {
    resolve_job(r);
    FAIL() << "a draft calibration was accepted for a production job";
  } catch (const chem::ChemError& e) {
    EXPECT_NE(std::string(e.what()).find("fitted at"), std::string::npos) << e.what();
  }
  r.preset = "draft";
  r.solvent = "dmso";
  EXPECT_THROW(resolve_job(r), chem::ChemError);
}

}  // namespace
}  // namespace qmnmr::runner
