// Levels of theory: which functional and basis the NWChem geometry
// optimisation and the shielding run use, per named preset (SCIENCE.md
// "Levels of theory"). `test` is tiny and meant for tests and CI only.
#pragma once
#include <span>
#include <string>
#include <string_view>

namespace qmnmr::chem {

// One DFT level: functional, basis (NWChem library name), the XC
// integration grid (empty = NWChem's default: "medium", and "fine" in a
// shielding run, where NWChem also raises any named grid to "fine"; an
// explicit "lebedev <radial> <angular index>" it keeps) and, for the
// geometry level, the optimiser's convergence criteria (empty = NWChem's
// default; "loose" for the test preset only).
struct Level {
  std::string_view functional;
  std::string_view basis;
  std::string_view grid;
  std::string_view opt_convergence = {};
};

struct Preset {
  std::string_view name;
  Level geometry;   // dft_opt stage
  Level shielding;  // shielding stage
  std::string_view use;

  // "B3LYP/6-311+G(2d,p)//B3LYP/6-31G*": shielding level // geometry level.
  std::string level_label() const;
};

std::span<const Preset> all_presets();
// Throws ChemError listing the valid names.
const Preset& find_preset(std::string_view name);
std::string preset_names();

}  // namespace qmnmr::chem
