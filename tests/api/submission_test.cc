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

// get<int>() narrows: 4294967296 would have been charge 0, and
// 18446744073709551615 priority -1.
TEST(Submission, IntegersOutsideTheirRangeAreRefusedNotNarrowed) {
  for (const char* field : {"charge", "multiplicity", "max_conformers", "priority"})
    for (const char* value : {"4294967296", "-4294967296", "18446744073709551615", "2147483648"}) {
      json body = json::parse(std::string(R"({"smiles": "CCO", ")") + field + "\": " + value + "}");
      auto p = problem_of(body);
      EXPECT_EQ(p.status, 422) << body.dump();
      EXPECT_EQ(p.field, field) << body.dump() << ": " << p.what();
      EXPECT_NE(std::string(p.what()).find(" to "), std::string::npos) << "names the range: " << p.what();
    }
  EXPECT_EQ(problem_of({{"smiles", "CCO"}, {"charge", 101}}).field, "charge");
  EXPECT_EQ(problem_of({{"smiles", "CCO"}, {"max_conformers", 501}}).field, "max_conformers");
  EXPECT_EQ(problem_of({{"smiles", "CCO"}, {"priority", 1.5}}).field, "priority");
  auto ok = submission_from_json({{"smiles", "C[NH3+]"}, {"charge", 1}, {"priority", -1000000}}, {});
  EXPECT_EQ(ok.request.molecule.charge, 1);
  EXPECT_EQ(ok.priority, -1000000);
  // Forms likewise.
  auto form_problem = [](const std::map<std::string, std::string>& fields) {
    try {
      submission_from_form(fields, std::nullopt, {});
    } catch (const ApiProblem& p) {
      return p;
    }
    ADD_FAILURE() << "accepted";
    return ApiProblem{0, "", "", ""};
  };
  EXPECT_EQ(form_problem({{"smiles", "CCO"}, {"charge", "4294967296"}}).field, "charge");
  EXPECT_EQ(form_problem({{"smiles", "CCO"}, {"multiplicity", "500"}}).field, "multiplicity");
}

// A calibration field nested beyond the limit is refused by the raw-text scan
// (before nlohmann builds a value that recursion could not copy); one larger
// than a calibration can be (200,000 levels: 400 kB) is 413 before any scan.
TEST(Submission, AFormsCalibrationIsReadWithinTheJsonLimits) {
  auto form_problem = [](const std::string& calibration) {
    try {
      submission_from_form({{"smiles", "CCO"}, {"calibration", calibration}}, std::nullopt, {});
    } catch (const ApiProblem& p) {
      return p;
    }
    ADD_FAILURE() << "accepted";
    return ApiProblem{0, "", "", ""};
  };
  auto deep = form_problem(std::string(20000, '[') + std::string(20000, ']'));
  EXPECT_EQ(deep.status, 422);
  EXPECT_EQ(deep.field, "calibration");
  EXPECT_EQ(deep.slug, "json-too-deep");
  EXPECT_NE(std::string(deep.what()).find("64"), std::string::npos) << deep.what();
  auto big = form_problem(std::string(200000, '[') + std::string(200000, ']'));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.field, "calibration");
  EXPECT_NE(std::string(big.what()).find("limit of 65536 bytes"), std::string::npos) << big.what();
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
