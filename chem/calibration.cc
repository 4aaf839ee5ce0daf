// Calibration documents: reading, writing, and whether one applies to a job.
#include "chem/calibration.h"

#include <cstdint>

#include "chem/error.h"
#include "chem/shift_conversion.h"

namespace qmnmr::chem {
using nlohmann::json;

namespace {
constexpr int kFormatVersion = 1;
}

const CalibrationLine* Calibration::line_for(Nucleus nucleus) const {
  auto it = nuclei.find(std::string(nucleus_name(nucleus)));
  return it == nuclei.end() ? nullptr : &it->second;
}

json Calibration::to_json() const {
  json j{{"qmnmr_calibration", kFormatVersion}, {"name", name},       {"preset", preset},
         {"level", level},                     {"solvent", solvent}, {"geometry", geometry},
         {"set", set},                         {"compounds", compounds}};
  j["nuclei"] = json::object();
  for (const auto& [nucleus, l] : nuclei)
    j["nuclei"][nucleus] = {{"slope", l.slope},
                            {"intercept", l.intercept},
                            {"n", l.n},
                            {"cv_mae", l.cv_mae},
                            {"cv_rmsd", l.cv_rmsd},
                            {"in_sample_mae", l.in_sample_mae},
                            {"in_sample_rmsd", l.in_sample_rmsd}};
  if (!provenance.empty()) j["provenance"] = provenance;
  j["formula"] = "shift = slope * shielding + intercept";
  j["uncertainty"] = "cv_mae: leave-one-compound-out mean absolute error, ppm";
  return j;
}

Calibration calibration_from_json(const json& j, const std::string& origin) {
  auto fail = [&](const std::string& what) {
    return ChemError("calibration " + origin + ": " + what +
                     "; write it with qmnmr bench accuracy --write-calibration");
  };
  if (!j.is_object() || !j.contains("qmnmr_calibration"))
    throw fail("not a qmnmr calibration (no \"qmnmr_calibration\" field)");
  if (const auto bytes = j.dump().size(); bytes > kMaxCalibrationBytes)
    throw fail("the document is " + std::to_string(bytes) + " bytes, more than the limit of " +
               std::to_string(kMaxCalibrationBytes) + " (qmnmr writes one of under 1 kB)");
  if (j["qmnmr_calibration"] != kFormatVersion)
    throw fail("format version " + j["qmnmr_calibration"].dump() + " is not " +
               std::to_string(kFormatVersion));
  Calibration c;
  auto text = [&](const char* key, std::string& out, bool required) {
    if (!j.contains(key) || !j[key].is_string()) {
      if (required) throw fail(std::string("\"") + key + "\" is missing or not text");
      return;
    }
    out = j[key].get<std::string>();
  };
  text("name", c.name, false);
  text("preset", c.preset, true);
  text("level", c.level, true);
  text("solvent", c.solvent, true);
  text("geometry", c.geometry, false);
  text("set", c.set, false);
  // A count: a JSON whole number in range (get<int>() would narrow 4294967296 to 0).
  auto count = [&](const json& obj, const char* key, const std::string& label) {
    if (!obj.contains(key)) return 0;
    const json& v = obj[key];
    const bool fits = v.is_number_unsigned()
                          ? v.get<std::uint64_t>() <= static_cast<std::uint64_t>(kMaxCalibrationCount)
                          : v.is_number_integer() && v.get<std::int64_t>() >= 0 &&
                                v.get<std::int64_t>() <= kMaxCalibrationCount;
    if (!fits)
      throw fail(label + " must be a whole number from 0 to " +
                 std::to_string(kMaxCalibrationCount));
    return static_cast<int>(v.get<std::int64_t>());
  };
  c.compounds = count(j, "compounds", "\"compounds\"");
  if (j.contains("provenance")) {
    if (!j["provenance"].is_object()) throw fail("\"provenance\" is not an object");
    c.provenance = j["provenance"];
  }
  if (!j.contains("nuclei") || !j["nuclei"].is_object() || j["nuclei"].empty())
    throw fail("\"nuclei\" holds no fitted line");
  for (const auto& [nucleus, l] : j["nuclei"].items()) {
    if (nucleus != "1H" && nucleus != "13C") throw fail("unknown nucleus \"" + nucleus + "\"");
    for (const char* key : {"slope", "intercept", "cv_mae"})
      if (!l.contains(key) || !l[key].is_number())
        throw fail(nucleus + "." + key + " is missing or not a number");
    for (const char* key : {"cv_rmsd", "in_sample_mae", "in_sample_rmsd"})
      if (l.contains(key) && !l[key].is_number())
        throw fail(nucleus + "." + key + " is not a number");
    CalibrationLine line;
    line.slope = l["slope"];
    line.intercept = l["intercept"];
    line.n = count(l, "n", nucleus + ".n");
    line.cv_mae = l["cv_mae"];
    line.cv_rmsd = l.value("cv_rmsd", 0.0);
    line.in_sample_mae = l.value("in_sample_mae", 0.0);
    line.in_sample_rmsd = l.value("in_sample_rmsd", 0.0);
    if (!(line.slope < 0))
      throw fail(nucleus + " slope " + std::to_string(line.slope) +
                 " is not negative (a shift falls as the shielding rises)");
    c.nuclei[nucleus] = line;
  }
  return c;
}

void check_calibration_applies(const Calibration& c, const Preset& preset, const Solvent& solvent) {
  if (c.preset != preset.name || c.level != preset.level_label())
    throw ChemError("calibration '" + c.name + "' was fitted at " + c.level + " (preset " +
                    c.preset + "), and this job runs " + preset.level_label() + " (preset " +
                    std::string(preset.name) + "); use --preset " + c.preset +
                    ", or a calibration fitted at this level");
  if (c.solvent != solvent.key)
    throw ChemError("calibration '" + c.name + "' was fitted in " + c.solvent +
                    ", and this job's solvent is " + std::string(solvent.key) + "; use --solvent " +
                    c.solvent + ", or a calibration fitted in " + std::string(solvent.key));
}

}  // namespace qmnmr::chem
