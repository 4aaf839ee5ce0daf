// Tests for the API's submissions: the reference service's fields map onto
// qmnmr's request, and every bad value is a 422 that names its field.
#include "runner/api/submission.h"

#include <gtest/gtest.h>

#include "runner/api/problem.h"

namespace qmnmr::api {
namespace {

using nlohmann::json;

ApiProblem problem_of(const json& body) {
  try {
    submission_from_json(body, {});
  } catch (const ApiProblem& p) {
    return p;
  }
  ADD_FAILURE() << "accepted: " << body.dump();
  return {0, "", "", ""};
}

TEST(Submission, TheReferenceBodyTakesTheServerDefaults) {
  SubmissionDefaults d{"dmso", "draft", 5};
  auto s = submission_from_json({{"smiles", "CCO"}, {"name", "Ethanol"}, {"solvent", " CHCl3 "}}, d);
  EXPECT_EQ(s.request.molecule.text, "CCO");
  EXPECT_EQ(s.request.molecule.name, "Ethanol");
  EXPECT_EQ(s.request.solvent, "chcl3") << "trimmed and lower-cased, as the reference";
  EXPECT_EQ(s.request.preset, "draft");
  EXPECT_EQ(s.request.conformers, "single");
  EXPECT_EQ(s.request.max_conformers, 5);
  EXPECT_EQ(s.canonical_smiles, "CCO");
  auto no_solvent = submission_from_json({{"smiles", "C"}}, d);
  EXPECT_EQ(no_solvent.request.solvent, "dmso");
}

TEST(Submission, ConformerModeAndMethodMapOntoQmnmrsSetting) {
  auto mode = [](json extra) {
    json body{{"smiles", "CCCO"}};
    body.update(extra);
    return submission_from_json(body, {}).request.conformers;
  };
  EXPECT_EQ(mode({{"conformer_mode", "single"}, {"conformer_method", "crest"}}), "single");
  EXPECT_EQ(mode({{"conformer_mode", "ensemble"}}), "rdkit");
  EXPECT_EQ(mode({{"conformer_mode", "ensemble"}, {"conformer_method", "rdkit_kdg"}}), "rdkit");
  EXPECT_EQ(mode({{"conformer_mode", "ensemble"}, {"conformer_method", "crest"}}), "crest");
  EXPECT_EQ(mode({{"conformer_mode", "rdkit"}}), "rdkit") << "qmnmr's own name";
  EXPECT_EQ(reference_conformer_mode("crest"), "ensemble");
  EXPECT_EQ(reference_conformer_method("rdkit"), "rdkit_kdg");
  EXPECT_TRUE(reference_conformer_method("single").is_null());
}

TEST(Submission, QmnmrsOwnFieldsAreTaken) {
  auto s = submission_from_json({{"smiles", "[CH3]"}, {"multiplicity", 2}, {"priority", 7},
                                 {"charge", 0}, {"stereoisomers", "all"},
                                 {"notification_email", "a@b.c"}, {"open_shell", true}},
                                {});
  EXPECT_EQ(s.request.molecule.multiplicity, 2);
  EXPECT_TRUE(s.request.open_shell);
  // Without open_shell the radical is refused, naming the field to set.
  try {
    submission_from_json({{"smiles", "[CH3]"}}, {});
    ADD_FAILURE() << "a radical without open_shell was accepted";
  } catch (const ApiProblem& e) {
    EXPECT_EQ(e.status, 422);
    EXPECT_NE(std::string(e.what()).find("open_shell"), std::string::npos) << e.what();
  }
  EXPECT_EQ(s.request.molecule.charge, 0);
  EXPECT_EQ(s.priority, 7);
  EXPECT_EQ(s.request.stereoisomers, "all");
}

TEST(Submission, EveryBadValueNamesItsField) {
  struct Case {
    json body;
    std::string field, slug;
  };
  const std::vector<Case> cases = {
      {{{"name", "x"}}, "smiles", "invalid-smiles"},
      {{{"smiles", "C1CC"}}, "smiles", "invalid-smiles"},
      {{{"smiles", 5}}, "smiles", "invalid-smiles"},
      {{{"smiles", "CCO"}, {"solvent", "lava"}}, "solvent", "invalid-solvent"},
      {{{"smiles", "CCO"}, {"preset", "ultra"}}, "preset", "invalid-preset"},
      {{{"smiles", "CCO"}, {"conformer_mode", "many"}}, "conformer_mode", "invalid-conformer_mode"},
      {{{"smiles", "CCO"}, {"conformer_mode", "ensemble"}, {"conformer_method", "dice"}},
       "conformer_method", "invalid-conformer_method"},
      {{{"smiles", "CCO"}, {"max_conformers", 0}}, "max_conformers", "invalid-max_conformers"},
      {{{"smiles", "CCO"}, {"max_conformers", "3"}}, "max_conformers", "invalid-max_conformers"},
      {{{"smiles", "CCO"}, {"name", std::string(101, 'a')}}, "name", "invalid-name"},
      {{{"smiles", "CCO"}, {"charge", 1}, {"multiplicity", 1}}, "smiles", "invalid-smiles"},
      {{{"smiles", "CCO"}, {"calibration", "x"}}, "calibration", "invalid-calibration"},
      {{{"smiles", "CCO"}, {"unknown", 1}}, "unknown", "invalid-unknown"},
  };
  for (const auto& c : cases) {
    auto p = problem_of(c.body);
    EXPECT_EQ(p.status, 422) << c.body.dump();
    EXPECT_EQ(p.field, c.field) << c.body.dump() << ": " << p.what();
    EXPECT_EQ(p.slug, c.slug) << c.body.dump();
    EXPECT_FALSE(std::string(p.what()).empty());
  }
  EXPECT_NE(std::string(problem_of({{"smiles", "CCO"}, {"solvent", "lava"}}).what()).find("chcl3"),
            std::string::npos)
      << "the fix: the solvents there are";
}

TEST(Submission, FormsTakeASmilesOrAFileOfAKnownType) {
  auto s = submission_from_form({{"smiles", "CC"}, {"max_conformers", " 4 "}}, std::nullopt, {});
  EXPECT_EQ(s.request.max_conformers, 4);
  const std::string xyz = "3\nwater\nO 0 0 0.12\nH 0 0.76 -0.47\nH 0 -0.76 -0.47\n";
  auto f = submission_from_form({{"solvent", "water"}}, UploadedFile{"w.XYZ", xyz}, {});
  EXPECT_EQ(f.request.molecule.format, chem::MoleculeInput::Format::xyz);
  EXPECT_EQ(f.request.molecule.name, "w.XYZ") << "the file name, when no name is given";
  EXPECT_EQ(f.canonical_smiles, "O");
  auto field_of = [](const std::map<std::string, std::string>& fields,
                     const std::optional<UploadedFile>& file) {
    try {
      submission_from_form(fields, file, {});
    } catch (const ApiProblem& p) {
      return p.field;
    }
    return std::string("accepted");
  };
  EXPECT_EQ(field_of({}, std::nullopt), "smiles");
  EXPECT_EQ(field_of({{"smiles", "C"}}, UploadedFile{"w.xyz", xyz}), "smiles");
  EXPECT_EQ(field_of({}, UploadedFile{"w.pdb", xyz}), "file");
  EXPECT_EQ(field_of({}, UploadedFile{"w.xyz", "not xyz"}), "file");
  EXPECT_EQ(field_of({{"smiles", "C"}, {"max_conformers", "4x"}}, std::nullopt), "max_conformers");
  EXPECT_EQ(field_of({{"smiles", "C"}, {"calibration", "{"}}, std::nullopt), "calibration");
}

}  // namespace
}  // namespace qmnmr::api
