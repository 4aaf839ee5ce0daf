// The preset table. The `test` preset is B3LYP/STO-3G on the xcoarse grid
// with NWChem's loose optimiser criteria (measured on N-acetyl-L-alanine from
// its xTB geometry: 51 steps at the default criteria, the xcoarse grid's noise
// keeping the optimiser busy near the minimum):
// the same DFT code path as production, but water optimisation + shielding
// takes about 2 s and ethanol about 8 s with 2 ranks (the medium grid made the
// ethanol optimisation 6x slower in CPU time). Its shielding names the same
// grid as an explicit Lebedev grid (21 radial shells, 194 angular points):
// NWChem 7.0.2 runs `task dft property` on the fine grid whatever named grid
// the input gives ("Grid used for XC integration: fine"), and an explicit grid
// it keeps - 7.5 s instead of 18.9 s for isobutyronitrile's shielding on one
// rank.
#include "chem/presets.h"

#include <array>
#include <cctype>

#include "chem/error.h"

namespace qmnmr::chem {
namespace {

// NWChem's default gradient criteria with 4x its displacement criteria. At a
// flat torsional minimum the default displacement test is never met: methyl
// 4-butoxybenzoate at the draft level went on for 20 steps, 150 s each at the
// end, with gmax 0.00004-0.00007 (a tenth of its limit) while xmax wandered
// between 0.003 and 0.005 (limit 0.0018). The gradient limits still bound every stiff coordinate
// (bonds, angles: residual displacement = gradient / force constant); what the
// looser displacement limit lets through is a fraction of a degree of torsion,
// worth ~1e-6 Hartree and far less than the shifts' uncertainty.
constexpr std::string_view kDftCriteria = "gmax 0.00045; grms 0.0003; xmax 0.0072; xrms 0.0048";

constexpr std::array<Preset, 3> kPresets = {{
    {"production", {"b3lyp", "6-31G*", "", kDftCriteria}, {"b3lyp", "6-311+G(2d,p)", ""},
     "real predictions"},
    {"draft", {"b3lyp", "6-31G*", "", kDftCriteria}, {"b3lyp", "6-31G*", ""}, "quick look"},
    {"test", {"b3lyp", "STO-3G", "xcoarse", "loose"}, {"b3lyp", "STO-3G", "lebedev 21 8"},
     "tests and ci only; meaningless shifts"},
}};

std::string level_text(const Level& level) {
  std::string f(level.functional);
  for (char& c : f) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return f + "/" + std::string(level.basis);
}

}  // namespace

std::string Preset::level_label() const {
  return level_text(shielding) + "//" + level_text(geometry);
}

std::span<const Preset> all_presets() { return kPresets; }

std::string preset_names() {
  std::string out;
  for (const Preset& p : kPresets) {
    if (!out.empty()) out += ", ";
    out += p.name;
  }
  return out;
}

const Preset& find_preset(std::string_view name) {
  for (const Preset& p : kPresets)
    if (p.name == name) return p;
  throw ChemError("unknown preset '" + std::string(name) + "'; use one of: " + preset_names());
}

}  // namespace qmnmr::chem
