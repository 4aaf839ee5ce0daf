// submission_from_json, submission_from_form and the checks they share.
#include "runner/api/submission.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "chem/calibration.h"
#include "chem/error.h"
#include "chem/presets.h"
#include "chem/solvents.h"
#include "queue/json_limits.h"
#include "runner/api/problem.h"
#include "runner/pipeline/request_molecule.h"

namespace qmnmr::api {
namespace {

using nlohmann::json;

constexpr size_t kMaxNameLength = 100;     // as the reference service
constexpr int kMaxConformersLimit = 500;   // as the reference service's form
constexpr int kMaxAbsPriority = 1'000'000;

// The range of each integer field; a value outside is a 422 naming the field
// (a JSON integer is never narrowed into an int first).
struct IntRange {
  int low, high;
};
IntRange range_of(const std::string& key) {
  if (key == "charge") return {-runner::kMaxAbsCharge, runner::kMaxAbsCharge};
  if (key == "multiplicity") return {1, runner::kMaxMultiplicity};
  if (key == "max_conformers") return {1, kMaxConformersLimit};
  return {-kMaxAbsPriority, kMaxAbsPriority};  // priority
}

ApiProblem bad_field(const std::string& field, const std::string& detail) {
  return {422, "invalid-" + field, "Invalid value for '" + field + "'", detail, field};
}

std::string trimmed_lower(std::string s) {
  s.erase(0, s.find_first_not_of(" \t\r\n"));
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The fields both forms of submission have, as optional values.
struct Fields {
  std::optional<std::string> smiles, name, preset, solvent, conformer_mode, conformer_method,
      stereoisomers;
  std::optional<int> max_conformers, charge, multiplicity, priority;
  json calibration;  // null: none
  bool open_shell = false;
};

std::string conformers_from(const Fields& f) {
  const std::string mode = trimmed_lower(f.conformer_mode.value_or("single"));
  const std::string method = trimmed_lower(f.conformer_method.value_or("rdkit_kdg"));
  if (mode == "single") return "single";
  if (mode == "ensemble") {
    if (method == "rdkit_kdg" || method == "rdkit") return "rdkit";
    if (method == "crest") return "crest";
    throw bad_field("conformer_method", "conformer_method '" + method +
                                            "' is not known; use rdkit_kdg or crest");
  }
  if (mode == "rdkit" || mode == "crest") return mode;  // qmnmr's own names
  throw bad_field("conformer_mode",
                  "conformer_mode '" + mode + "' is not known; use single or ensemble");
}

Submission build(const Fields& f, chem::MoleculeInput molecule, const std::string& molecule_field,
                 const SubmissionDefaults& defaults) {
  Submission s;
  auto& r = s.request;
  molecule.name = f.name.value_or(molecule.name);
  if (molecule.name.size() > kMaxNameLength)
    throw bad_field("name", "name has " + std::to_string(molecule.name.size()) +
                                " characters; give at most " + std::to_string(kMaxNameLength));
  molecule.charge = f.charge;
  molecule.multiplicity = f.multiplicity;
  r.molecule = std::move(molecule);

  r.solvent = trimmed_lower(f.solvent.value_or(defaults.solvent));
  try {
    chem::find_solvent(r.solvent);
  } catch (const chem::ChemError&) {
    throw ApiProblem(422, "invalid-solvent", "Invalid Solvent",
                     "Unknown solvent '" + r.solvent + "'. Supported solvents: " +
                         chem::solvent_keys(),
                     "solvent");
  }
  r.preset = trimmed_lower(f.preset.value_or(defaults.preset));
  try {
    chem::find_preset(r.preset);
  } catch (const chem::ChemError& e) {
    throw bad_field("preset", e.what());
  }
  r.conformers = conformers_from(f);
  r.max_conformers = f.max_conformers.value_or(defaults.max_conformers);
  if (r.max_conformers < 1 || r.max_conformers > kMaxConformersLimit)
    throw bad_field("max_conformers", "max_conformers must be between 1 and " +
                                          std::to_string(kMaxConformersLimit));
  r.stereoisomers = trimmed_lower(f.stereoisomers.value_or("one"));
  if (r.stereoisomers != "one" && r.stereoisomers != "all")
    throw bad_field("stereoisomers", "stereoisomers must be one or all");
  r.calibration = f.calibration;
  r.open_shell = f.open_shell;
  s.priority = f.priority.value_or(0);
  try {
    runner::check_request_settings(r);
  } catch (const std::exception& e) {
    throw bad_field(r.calibration.is_null() ? "request" : "calibration", e.what());
  }
  try {
    s.canonical_smiles = runner::load_request_molecule(r, /*embed=*/false).canonical_smiles;
  } catch (const chem::ChemError& e) {
    if (molecule_field == "smiles")
      throw ApiProblem(422, "invalid-smiles", "Invalid SMILES String", e.what(), "smiles");
    throw ApiProblem(422, "invalid-molecule-file", "Invalid Molecule File", e.what(), "file");
  }
  return s;
}

std::optional<std::string> json_string(const json& body, const char* key) {
  if (!body.contains(key) || body[key].is_null()) return std::nullopt;
  if (!body[key].is_string()) throw bad_field(key, std::string(key) + " must be a string");
  return body[key].get<std::string>();
}

ApiProblem out_of_range(const std::string& key, const std::string& given) {
  const auto r = range_of(key);
  return bad_field(key, key + " " + given + " must be a whole number from " +
                            std::to_string(r.low) + " to " + std::to_string(r.high));
}

std::optional<int> json_int(const json& body, const char* key) {
  if (!body.contains(key) || body[key].is_null()) return std::nullopt;
  const auto r = range_of(key);
  if (auto v = queue::int_within(body[key], r.low, r.high)) return v;
  throw out_of_range(key, body[key].dump().substr(0, 40));
}

std::optional<int> form_int(const std::map<std::string, std::string>& fields, const char* key) {
  auto it = fields.find(key);
  if (it == fields.end() || trimmed_lower(it->second).empty()) return std::nullopt;
  const auto r = range_of(key);
  if (auto n = whole_number(it->second); n && *n >= r.low && *n <= r.high) return n;
  throw out_of_range(key, "'" + it->second.substr(0, 40) + "'");
}

std::optional<std::string> form_string(const std::map<std::string, std::string>& fields,
                                       const char* key) {
  auto it = fields.find(key);
  if (it == fields.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace

Submission submission_from_json(const json& body, const SubmissionDefaults& defaults) {
  if (!body.is_object())
    throw ApiProblem(422, "invalid-body", "Invalid Request Body",
                     "the body must be a JSON object with at least 'smiles'");
  static const std::set<std::string> known = {
      "smiles",   "name",         "preset",        "solvent",      "conformer_mode",
      "conformer_method", "max_conformers", "notification_email", "charge", "multiplicity",
      "priority", "stereoisomers", "calibration", "open_shell"};
  for (const auto& [key, value] : body.items())
    if (!known.count(key))
      throw bad_field(key, "unknown field '" + key + "'; the fields are smiles, name, preset, "
                           "solvent, conformer_mode, conformer_method, max_conformers, charge, "
                           "multiplicity, priority, stereoisomers, calibration, open_shell");
  Fields f;
  f.smiles = json_string(body, "smiles");
  if (!f.smiles || f.smiles->empty())
    throw bad_field("smiles", "smiles is required: the molecule as a SMILES string (or upload a "
                              "MOL/SDF/XYZ file to /api/v1/jobs/upload)");
  f.name = json_string(body, "name");
  f.preset = json_string(body, "preset");
  f.solvent = json_string(body, "solvent");
  f.conformer_mode = json_string(body, "conformer_mode");
  f.conformer_method = json_string(body, "conformer_method");
  f.stereoisomers = json_string(body, "stereoisomers");
  f.max_conformers = json_int(body, "max_conformers");
  f.charge = json_int(body, "charge");
  f.multiplicity = json_int(body, "multiplicity");
  f.priority = json_int(body, "priority");
  if (body.contains("open_shell") && !body["open_shell"].is_null()) {
    if (!body["open_shell"].is_boolean())
      throw bad_field("open_shell", "open_shell must be true or false");
    f.open_shell = body["open_shell"].get<bool>();
  }
  if (body.contains("calibration") && !body["calibration"].is_null()) {
    if (!body["calibration"].is_object())
      throw bad_field("calibration", "calibration must be the JSON object `qmnmr bench accuracy "
                                     "--write-calibration` writes");
    f.calibration = body["calibration"];
  }
  chem::MoleculeInput molecule{chem::MoleculeInput::Format::smiles, *f.smiles, {}, {}, ""};
  return build(f, std::move(molecule), "smiles", defaults);
}

Submission submission_from_form(const std::map<std::string, std::string>& fields,
                                const std::optional<UploadedFile>& file,
                                const SubmissionDefaults& defaults) {
  Fields f;
  f.smiles = form_string(fields, "smiles");
  f.name = form_string(fields, "name");
  f.preset = form_string(fields, "preset");
  f.solvent = form_string(fields, "solvent");
  f.conformer_mode = form_string(fields, "conformer_mode");
  f.conformer_method = form_string(fields, "conformer_method");
  f.stereoisomers = form_string(fields, "stereoisomers");
  f.max_conformers = form_int(fields, "max_conformers");
  f.charge = form_int(fields, "charge");
  f.multiplicity = form_int(fields, "multiplicity");
  f.priority = form_int(fields, "priority");
  if (auto o = form_string(fields, "open_shell")) {  // a checkbox: "on", or true/false
    const std::string v = trimmed_lower(*o);
    if (v != "on" && v != "true" && v != "1" && v != "false" && v != "0")
      throw bad_field("open_shell", "open_shell must be true or false");
    f.open_shell = v == "on" || v == "true" || v == "1";
  }
  if (auto c = form_string(fields, "calibration")) {
    try {
      f.calibration = queue::parse_json(*c, "the calibration field", chem::kMaxCalibrationBytes);
    } catch (const queue::JsonLimitError& e) {
      throw json_limit_problem(e, "calibration");
    } catch (const json::exception&) {
      throw bad_field("calibration", "calibration is not JSON; paste the file `qmnmr bench "
                                     "accuracy --write-calibration` writes");
    }
  }
  const bool has_file = file && !file->content.empty();
  if (has_file && f.smiles)
    throw bad_field("smiles", "give either a SMILES or a file, not both");
  if (!has_file) {
    if (!f.smiles)
      throw bad_field("smiles", "give the molecule: a SMILES string, or a MOL/SDF/XYZ file");
    chem::MoleculeInput molecule{chem::MoleculeInput::Format::smiles, *f.smiles, {}, {}, ""};
    return build(f, std::move(molecule), "smiles", defaults);
  }
  std::string ext = file->filename;
  ext = ext.find('.') == std::string::npos ? "" : trimmed_lower(ext.substr(ext.rfind('.')));
  chem::MoleculeInput molecule;
  if (ext == ".mol" || ext == ".sdf") molecule.format = chem::MoleculeInput::Format::sdf;
  else if (ext == ".xyz") molecule.format = chem::MoleculeInput::Format::xyz;
  else
    throw ApiProblem(422, "invalid-file-type", "Invalid File Type",
                     "Expected a .mol, .sdf or .xyz file, got '" + file->filename + "'", "file");
  molecule.text = file->content;
  molecule.name = file->filename;
  return build(f, std::move(molecule), "file", defaults);
}

std::optional<int> whole_number(const std::string& text) {
  const std::string v = trimmed_lower(text);
  size_t used = 0;
  int value = 0;
  try {
    value = std::stoi(v, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != v.size() || used == 0) return std::nullopt;
  return value;
}

std::string reference_conformer_mode(const std::string& conformers) {
  return conformers == "single" ? "single" : "ensemble";
}

json reference_conformer_method(const std::string& conformers) {
  if (conformers == "rdkit") return "rdkit_kdg";
  if (conformers == "crest") return "crest";
  return nullptr;
}

}  // namespace qmnmr::api
