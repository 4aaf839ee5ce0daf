// shipped_calibrations: parsing the built-in files once, and the lookup.
#include "chem/shipped_calibrations.h"

#include <cctype>
#include <vector>

#include "chem/error.h"
#include "chem/shift_conversion.h"

namespace qmnmr::chem {

std::span<const Calibration> shipped_calibrations() {
  static const std::vector<Calibration> parsed = [] {
    std::vector<Calibration> out;
    for (const auto& f : shipped_calibration_texts()) {
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(f.text);
      } catch (const nlohmann::json::exception& e) {
        throw ChemError("shipped calibration " + std::string(f.name) + " is not JSON: " +
                        e.what());
      }
      out.push_back(calibration_from_json(j, "chem/calibrations/" + std::string(f.name)));
    }
    return out;
  }();
  return parsed;
}

namespace {

// NWChem reads basis names in any case: "def2-SVP" is "def2-svp".
bool same_level(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

ShippedLine shipped_line_for(std::string_view level, const Solvent& solvent, Nucleus nucleus) {
  // A line fitted on geometries made the job's way (re-optimised at the
  // geometry level, or the xTB minima) before one fitted on the set's own.
  auto find = [&](std::string_view key) -> ShippedLine {
    ShippedLine on_set;
    for (const auto& c : shipped_calibrations())
      if (same_level(c.level, level) && c.solvent == key)
        if (const auto* l = c.line_for(nucleus)) {
          if (c.geometry != "fixed") return {&c, l, false};
          if (!on_set.line) on_set = {&c, l, false};
        }
    return on_set;
  };
  if (auto own = find(solvent.key); own.line) return own;
  if (solvent.is_vacuum()) return {};
  auto chcl3 = find("chcl3");
  chcl3.other_solvent = chcl3.line != nullptr;
  return chcl3;
}

}  // namespace qmnmr::chem
