// libFuzzer target: a calibration file as `--calibration FILE` reads it: the JSON limits of
// queue/json_limits.h on the raw text, nlohmann's parse, then chem::calibration_from_json,
// which must answer every document with a Calibration or a ChemError naming the field; what
// it accepts writes back (to_json) and reads again to the same lines.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "chem/calibration.h"
#include "chem/error.h"
#include "chem/presets.h"
#include "chem/solvents.h"
#include "queue/json_limits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace qmnmr;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json doc;
  try {
    doc = queue::parse_json(text, "calibration file", chem::kMaxCalibrationBytes);
  } catch (const queue::JsonLimitError&) {
    return 0;
  } catch (const nlohmann::json::exception&) {  // parse_error, or out_of_range for 1e999
    return 0;
  }
  try {
    const auto c = chem::calibration_from_json(doc, "fuzz");
    const auto back = chem::calibration_from_json(c.to_json(), "round trip");
    if (back.nuclei.size() != c.nuclei.size() || back.compounds != c.compounds) __builtin_trap();
    for (const auto& [nucleus, line] : c.nuclei)
      if (back.nuclei.at(nucleus).slope != line.slope) __builtin_trap();
    chem::check_calibration_applies(c, chem::find_preset("draft"), chem::find_solvent("chcl3"));
  } catch (const chem::ChemError&) {
  }
  return 0;
}
