// JobRequest <-> JSON and the checks that need no chemistry.
#include "runner/pipeline/job_request.h"

#include <limits>
#include <set>
#include <stdexcept>

#include "chem/calibration.h"
#include "chem/presets.h"
#include "chem/solvents.h"
#include "queue/json_limits.h"

namespace qmnmr::runner {

nlohmann::json JobRequest::to_json() const {
  nlohmann::json j;
  switch (molecule.format) {
    case chem::MoleculeInput::Format::smiles: j["smiles"] = molecule.text; break;
    case chem::MoleculeInput::Format::xyz: j["xyz"] = molecule.text; break;
    case chem::MoleculeInput::Format::sdf: j["sdf"] = molecule.text; break;
  }
  j["name"] = molecule.name;
  j["charge"] = molecule.charge ? nlohmann::json(*molecule.charge) : nlohmann::json();
  j["multiplicity"] =
      molecule.multiplicity ? nlohmann::json(*molecule.multiplicity) : nlohmann::json();
  j["solvent"] = solvent;
  j["preset"] = preset;
  j["conformer_mode"] = conformers;
  j["max_conformers"] = max_conformers;
  if (stereoisomers != "one") j["stereoisomers"] = stereoisomers;  // older inputs stay equal
  if (geometry != "optimise") j["geometry"] = geometry;
  if (!level.empty()) j["level"] = level;
  if (!calibration.is_null()) j["calibration"] = calibration;
  if (open_shell) j["open_shell"] = true;
  return j;
}

JobRequest request_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("job input is not a JSON object");
  static const std::set<std::string> known = {"smiles",  "xyz",     "sdf",
                                              "name",    "charge",  "multiplicity",
                                              "solvent", "preset",  "conformer_mode",
                                              "max_conformers", "stereoisomers", "geometry", "level",
                                              "calibration", "open_shell"};
  for (const auto& [key, value] : j.items())
    if (!known.contains(key))
      throw std::invalid_argument("job input has an unknown key '" + key + "'");
  JobRequest r;
  int sources = 0;
  for (auto [key, format] : {std::pair{"smiles", chem::MoleculeInput::Format::smiles},
                             std::pair{"xyz", chem::MoleculeInput::Format::xyz},
                             std::pair{"sdf", chem::MoleculeInput::Format::sdf}}) {
    if (j.contains(key) && !j[key].is_null()) {
      if (!j[key].is_string())
        throw std::invalid_argument(std::string("job input '") + key + "' must be a string");
      r.molecule.format = format;
      r.molecule.text = j[key].get<std::string>();
      ++sources;
    }
  }
  if (sources != 1)
    throw std::invalid_argument("give exactly one molecule: --smiles, --xyz or --sdf");
  auto get_string = [&](const char* key, std::string& out) {
    if (j.contains(key) && !j[key].is_null()) {
      if (!j[key].is_string())
        throw std::invalid_argument(std::string("job input '") + key + "' must be a string");
      out = j[key].get<std::string>();
    }
  };
  auto get_int = [&](const char* key, int low, int high) -> std::optional<int> {
    if (!j.contains(key) || j[key].is_null()) return std::nullopt;
    if (auto v = queue::int_within(j[key], low, high)) return v;
    throw std::invalid_argument(std::string("job input '") + key + "' is " + j[key].dump().substr(0, 40) +
                                "; it must be a whole number from " + std::to_string(low) +
                                " to " + std::to_string(high));
  };
  get_string("name", r.molecule.name);
  r.molecule.charge = get_int("charge", -kMaxAbsCharge, kMaxAbsCharge);
  r.molecule.multiplicity = get_int("multiplicity", 1, kMaxMultiplicity);
  get_string("solvent", r.solvent);
  get_string("preset", r.preset);
  get_string("conformer_mode", r.conformers);
  get_string("stereoisomers", r.stereoisomers);
  get_string("geometry", r.geometry);
  get_string("level", r.level);
  if (j.contains("calibration")) r.calibration = j["calibration"];
  if (j.contains("open_shell") && !j["open_shell"].is_null()) {
    if (!j["open_shell"].is_boolean())
      throw std::invalid_argument("job input 'open_shell' must be true or false");
    r.open_shell = j["open_shell"].get<bool>();
  }
  if (auto k = get_int("max_conformers", 1, std::numeric_limits<int>::max())) r.max_conformers = *k;
  return r;
}

chem::Preset request_preset(const JobRequest& request) {
  const auto& base = chem::find_preset(request.preset);
  chem::Preset p = request.level.empty() ? base : chem::preset_with_levels(base, request.level);
  // The xTB minima are the preset's geometry level too (its labels, and so its
  // calibration, name them).
  if (request.geometry == "xtb") p.geometry_from_xtb = true;
  return p;
}

void check_request_settings(const JobRequest& request) {
  chem::find_solvent(request.solvent);
  request_preset(request);
  if (request.conformers != "single" && request.conformers != "rdkit" &&
      request.conformers != "crest")
    throw std::invalid_argument("unknown conformer mode '" + request.conformers +
                                "'; use single, rdkit or crest");
  if (request.stereoisomers != "one" && request.stereoisomers != "all")
    throw std::invalid_argument("unknown --stereoisomers '" + request.stereoisomers +
                                "'; use one (the default) or all");
  if (request.geometry != "optimise" && request.geometry != "fixed" && request.geometry != "xtb")
    throw std::invalid_argument("unknown --geometry '" + request.geometry +
                                "'; use optimise (the default), fixed or xtb");
  if (request.geometry == "fixed") {
    if (request.molecule.format == chem::MoleculeInput::Format::smiles)
      throw std::invalid_argument(
          "--geometry fixed takes the geometry as given, and a SMILES has none; give the "
          "molecule as --xyz or --sdf (3D), or leave --geometry at optimise");
    if (request.conformers != "single")
      throw std::invalid_argument(
          "--geometry fixed computes the shieldings of the one geometry given; add "
          "--conformers single (a conformer search would replace that geometry)");
    if (request.stereoisomers != "one")
      throw std::invalid_argument(
          "--geometry fixed computes one given geometry; --stereoisomers all needs "
          "--geometry optimise");
    if (request_preset(request).geometry_from_xtb)
      throw std::invalid_argument(
          "--geometry fixed keeps the given geometry, but the level or preset computes its "
          "shieldings on GFN2-xTB minima; drop one of the two");
  }
  if (!request.calibration.is_null())
    chem::check_calibration_applies(
        chem::calibration_from_json(request.calibration, "'" +
                                    request.calibration.value("name", std::string("given")) + "'"),
        request_preset(request), chem::find_solvent(request.solvent));
  if (request.max_conformers < 1)
    throw std::invalid_argument("--max-conformers must be at least 1");
  if (request.molecule.multiplicity && *request.molecule.multiplicity < 1)
    throw std::invalid_argument("multiplicity " + std::to_string(*request.molecule.multiplicity) +
                                " is impossible; it is 2S+1 >= 1 (1 singlet, 2 doublet)");
  if (request.molecule.multiplicity && *request.molecule.multiplicity > kMaxMultiplicity)
    throw std::invalid_argument("multiplicity " + std::to_string(*request.molecule.multiplicity) +
                                " is out of range; give --multiplicity from 1 to " +
                                std::to_string(kMaxMultiplicity));
  if (request.molecule.charge &&
      (*request.molecule.charge < -kMaxAbsCharge || *request.molecule.charge > kMaxAbsCharge))
    throw std::invalid_argument("charge " + std::to_string(*request.molecule.charge) +
                                " is out of range; give --charge from " +
                                std::to_string(-kMaxAbsCharge) + " to " +
                                std::to_string(kMaxAbsCharge));
  if (request.molecule.name.size() > 200)
    throw std::invalid_argument("--name is longer than 200 characters; shorten it");
}

}  // namespace qmnmr::runner
