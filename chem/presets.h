// Levels of theory: which functional and basis the NWChem geometry
// optimisation and the shielding runs use, per named preset (SCIENCE.md
// "Levels of theory"), and a level written as text ("pbe0/def2-svp") for a job
// or a benchmark that names its own. A preset may take 1H from one shielding
// level and every other nucleus from another. `test` is tiny and meant for
// tests and CI only.
#pragma once
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "chem/functionals.h"

namespace qmnmr::chem {

enum class Nucleus;

// One DFT level: functional, basis (NWChem library name), the XC
// integration grid (empty = NWChem's default: "medium", and "fine" in a
// shielding run, where NWChem also raises any named grid to "fine"; an
// explicit "lebedev <radial> <angular index>" it keeps) and, for the
// geometry level, the optimiser's convergence criteria (empty = NWChem's
// default; "loose" for the test preset only).
struct Level {
  const Functional* functional = nullptr;  // a row of all_functionals()
  std::string basis;
  std::string grid;
  std::string opt_convergence;
  // A locally dense set: these elements (canonical symbol -> NWChem library
  // basis) get their own basis instead of `basis`, e.g. H -> 6-311G** on
  // 6-31+G* elsewhere. Written "6-31+G*[H:6-311G**]".
  std::map<std::string, std::string> element_basis;

  // "PBE0/def2-SVP", "B3LYP/6-31+G*[H:6-311G**]".
  std::string label() const;
  // The basis as written: "6-31+G*[H:6-311G**]".
  std::string basis_label() const;
  // Functional, basis (with its per-element bases) and grid: two levels with
  // the same key run the same shielding calculation.
  bool same_calculation(const Level& other) const;
};

struct Preset {
  std::string name;
  Level geometry;   // dft_opt stage
  Level shielding;  // shielding stage: every nucleus, 1H too unless h1_shielding is set
  std::optional<Level> h1_shielding;  // 1H from a shielding run of its own
  std::string use;
  // What was measured of it (README "Levels of theory"): accuracy and cost.
  std::string figures;
  // Shieldings on the GFN2-xTB minima: no DFT optimisation, `geometry` unused
  // (a job's `--geometry xtb` sets it too, so every label names the geometry
  // the shieldings were computed on and no DFT-geometry calibration serves them).
  bool geometry_from_xtb = false;

  // The shielding level that gives `nucleus` (1H: h1_shielding when set).
  const Level& shielding_for(Nucleus nucleus) const;
  // The shielding runs a conformer needs: one, or two where 1H has its own
  // level (`shielding` first).
  std::vector<const Level*> shielding_runs() const;
  // "B3LYP/6-31G*", or "GFN2-xTB" for xTB minima.
  std::string geometry_label() const;
  // "B3LYP/6-311+G(2d,p)//B3LYP/6-31G*"; a split preset
  // "1H WP04/pcsseg-1, 13C PBE0/def2-SVP//B3LYP/6-31G*".
  std::string level_label() const;
  // The level one nucleus's shifts come from: "PBE0/def2-SVP//B3LYP/6-31G*".
  std::string nucleus_level_label(Nucleus nucleus) const;
};

std::span<const Preset> all_presets();
// {"name", "use", "level", "geometry_level", "shielding_level": {"1H", "13C"},
// "shielding_runs_per_conformer", "figures"}: the API's and `qmnmr plan`'s row.
nlohmann::json preset_to_json(const Preset& preset);
// Throws ChemError listing the valid names.
const Preset& find_preset(std::string_view name);
std::string preset_names();

// "functional/basis" -> a level on the default grid ("pbe0/def2-svp",
// "wp04/jul-cc-pV(D+d)Z"); a basis may name other bases for some elements
// ("b3lyp/6-31+G*[H:6-311G**]", a locally dense set). Throws ChemError naming
// the fault and the form.
Level parse_level(std::string_view text);

// A preset with the levels of `text` instead of `base`'s, named "custom":
//   SHIELDING[//GEOMETRY], SHIELDING = LEVEL or "1H:LEVEL;13C:LEVEL",
//   GEOMETRY = LEVEL or gfn2-xtb (the xTB minima, no DFT optimisation)
// (the 13C level gives every nucleus but 1H). The grids and the optimiser's
// criteria stay the base's (the test preset's small grids for a test run).
// Throws ChemError naming the fault and the form.
Preset preset_with_levels(const Preset& base, std::string_view text);

}  // namespace qmnmr::chem
