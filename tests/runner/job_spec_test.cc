// JobSpec: a request's names resolved once into the preset and solvent rows and
// the mode enums; bad names are refused with the fix; --stereoisomers survives
// input.json.
#include <gtest/gtest.h>

#include "chem/error.h"
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
  EXPECT_EQ(spec.preset, &chem::find_preset("draft"));
  EXPECT_EQ(spec.solvent->key, "dmso");
  EXPECT_EQ(spec.solvent->nmr_name, "DMSO-d6");
  EXPECT_EQ(spec.conformers, ConformerMode::single);
  EXPECT_EQ(spec.stereoisomers, StereoisomerMode::all);
  EXPECT_EQ(conformer_mode_name(spec.conformers), "single");
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

}  // namespace
}  // namespace qmnmr::runner
