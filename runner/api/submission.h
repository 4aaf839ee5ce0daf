// A submission over HTTP -> a checked JobRequest. Takes the reference
// service's fields (smiles, name, preset, solvent, conformer_mode single |
// ensemble, conformer_method rdkit_kdg | crest, max_conformers,
// notification_email) and qmnmr's own (charge, multiplicity, priority,
// stereoisomers, calibration), as a JSON body or as the fields of a form or a
// multipart upload. Every check of the command line runs here too, before
// anything is queued; a bad value is an ApiProblem (422) naming the field and
// the fix.
#pragma once
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "runner/pipeline/job_request.h"

namespace qmnmr::api {

// What a field left out means: the server's configuration.
struct SubmissionDefaults {
  std::string solvent = "chcl3";
  std::string preset = "production";
  int max_conformers = 8;
};

struct Submission {
  runner::JobRequest request;
  int priority = 0;
  std::string canonical_smiles;  // of the molecule as loaded by the checks
};

// An uploaded molecule file (multipart part "file").
struct UploadedFile {
  std::string filename;
  std::string content;
};

// From a JSON body (POST /api/v1/jobs). Unknown fields are refused.
Submission submission_from_json(const nlohmann::json& body, const SubmissionDefaults& defaults);

// From form fields (text values) and, for an upload, the molecule file
// (POST /api/v1/jobs/upload, the web page's form): `smiles` or the file.
Submission submission_from_form(const std::map<std::string, std::string>& fields,
                                const std::optional<UploadedFile>& file,
                                const SubmissionDefaults& defaults);

// The whole number `text` spells (surrounding blanks allowed), else nullopt:
// form fields and query parameters.
std::optional<int> whole_number(const std::string& text);

// "single" | "ensemble" and "rdkit_kdg" | "crest" | null of qmnmr's conformer
// setting (single, rdkit, crest), as the reference service names them.
std::string reference_conformer_mode(const std::string& conformers);
nlohmann::json reference_conformer_method(const std::string& conformers);

}  // namespace qmnmr::api
