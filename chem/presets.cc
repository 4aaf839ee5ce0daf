// The preset table and level text. The `test` preset is B3LYP/STO-3G on the xcoarse grid
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
// rank. A preset's figures are what `qmnmr bench` measured of it on this
// project's 2-core machine (2 ranks, COSMO chloroform, the set's geometries),
// the README's "Accuracy" and "Levels of theory" tables.
#include "chem/presets.h"

#include <cctype>
#include <vector>

#include "chem/error.h"
#include "chem/geometry.h"
#include "chem/shift_conversion.h"

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

Level level(std::string_view functional, std::string_view basis, std::string_view grid = "",
            std::string_view criteria = "") {
  return {&find_functional(functional), std::string(basis), std::string(grid),
          std::string(criteria), {}};
}

const std::vector<Preset>& presets() {
  static const std::vector<Preset> table = [] {
    const Level geometry = level("b3lyp", "6-31G*", "", kDftCriteria);
    return std::vector<Preset>{
        {"production", geometry, level("b3lyp", "6-311+G(2d,p)"), std::nullopt,
         "real predictions",
         "MAE 1H 0.063, 13C 1.95 ppm (a line fitted on all 40 DELTA50 compounds, "
         "leave-one-out); its shielding 266 CPU s a compound (15 compounds)"},
        // 1H as production (the best 1H level measured), 13C from
        // CAM-B3LYP/def2-SVP, the best 13C level of the screening round,
        // confirmed on all 40 shared compounds: 13C 1.33 against production's
        // 1.95, paired -0.63 [-0.91, -0.31] ppm (docs/levels/all40).
        {"accurate", geometry, level("cam-b3lyp", "def2-svp"), level("b3lyp", "6-311+G(2d,p)"),
         "the most accurate shifts measured: 13C far better than production, 1H the same",
         "MAE 1H 0.063, 13C 1.33 ppm (a line fitted per nucleus on all 40 DELTA50 "
         "compounds, leave-one-out; production there 0.063 / 1.95); two shielding runs a "
         "conformer, 1.5x production's CPU time (406 against 266 CPU s a compound on 15)"},
        {"draft", geometry, level("b3lyp", "6-31G*"), std::nullopt, "quick look",
         "MAE 1H 0.112, 13C 3.33 ppm against TMS at its own level (all 40 DELTA50 "
         "compounds)"},
        {"test", level("b3lyp", "STO-3G", "xcoarse", "loose"),
         level("b3lyp", "STO-3G", "lebedev 21 8"), std::nullopt,
         "tests and ci only; meaningless shifts", ""},
    };
  }();
  return table;
}

constexpr std::string_view kLevelForm =
    "write a level as functional/basis (\"pbe0/def2-svp\"), a preset's levels as "
    "SHIELDING//GEOMETRY (GEOMETRY a level or gfn2-xtb), and a shielding per nucleus as "
    "\"1H:wp04/pcsseg-1;13C:pbe0/def2-svp\"";

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::string Level::basis_label() const {
  std::string out = basis;
  for (const auto& [element, element_set] : element_basis)
    out += "[" + element + ":" + element_set + "]";
  return out;
}

std::string Level::label() const {
  return std::string(functional ? functional->name : "?") + "/" + basis_label();
}

bool Level::same_calculation(const Level& other) const {
  return functional == other.functional && basis == other.basis &&
         element_basis == other.element_basis && grid == other.grid;
}

const Level& Preset::shielding_for(Nucleus nucleus) const {
  return nucleus == Nucleus::h1 && h1_shielding ? *h1_shielding : shielding;
}

std::vector<const Level*> Preset::shielding_runs() const {
  if (h1_shielding && !h1_shielding->same_calculation(shielding))
    return {&shielding, &*h1_shielding};
  return {&shielding};
}

std::string Preset::geometry_label() const {
  return geometry_from_xtb ? "GFN2-xTB" : geometry.label();
}

std::string Preset::level_label() const {
  if (shielding_runs().size() == 1) return shielding.label() + "//" + geometry_label();
  return "1H " + h1_shielding->label() + ", 13C " + shielding.label() + "//" + geometry_label();
}

std::string Preset::nucleus_level_label(Nucleus nucleus) const {
  return shielding_for(nucleus).label() + "//" + geometry_label();
}

std::span<const Preset> all_presets() { return presets(); }

nlohmann::json preset_to_json(const Preset& p) {
  return {{"name", p.name},
          {"use", p.use},
          {"level", p.level_label()},
          {"geometry_level", p.geometry_label()},
          {"shielding_level",
           {{"1H", p.shielding_for(Nucleus::h1).label()},
            {"13C", p.shielding_for(Nucleus::c13).label()}}},
          {"shielding_runs_per_conformer", p.shielding_runs().size()},
          {"figures", p.figures}};
}

std::string preset_names() {
  std::string out;
  for (const Preset& p : presets()) out += (out.empty() ? "" : ", ") + p.name;
  return out;
}

const Preset& find_preset(std::string_view name) {
  for (const Preset& p : presets())
    if (p.name == name) return p;
  throw ChemError("unknown preset '" + std::string(name) + "'; use one of: " + preset_names());
}

Level parse_level(std::string_view text) {
  const std::string t = trimmed(text);
  const auto slash = t.find('/');
  if (slash == std::string::npos || t.find('/', slash + 1) != std::string::npos)
    throw ChemError("level '" + t + "' is not functional/basis; " + std::string(kLevelForm));
  const std::string functional = trimmed(std::string_view(t).substr(0, slash));
  std::string basis = trimmed(std::string_view(t).substr(slash + 1));
  // Per-element bases: "[El:basis]" groups after the basis.
  std::map<std::string, std::string> element_basis;
  if (auto open = basis.find('['); open != std::string::npos) {
    std::string_view rest = std::string_view(basis).substr(open);
    while (!rest.empty()) {
      const auto close = rest.find(']');
      const auto colon = rest.find(':');
      if (rest.front() != '[' || close == std::string_view::npos || colon > close)
        throw ChemError("level '" + t + "': write a basis for some elements as "
                        "BASIS[El:BASIS], e.g. \"b3lyp/6-31+G*[H:6-311G**]\"");
      const std::string element = trimmed(rest.substr(1, colon - 1));
      const std::string element_set = trimmed(rest.substr(colon + 1, close - colon - 1));
      const std::string symbol = canonical_symbol(element);
      if (symbol.empty())
        throw ChemError("level '" + t + "': '" + element + "' is no element symbol");
      if (element_set.empty())
        throw ChemError("level '" + t + "' names no basis for " + symbol);
      if (!element_basis.emplace(symbol, element_set).second)
        throw ChemError("level '" + t + "' gives " + symbol + " a basis twice");
      rest.remove_prefix(close + 1);
    }
    basis = trimmed(std::string_view(basis).substr(0, open));
  }
  if (functional.empty() || basis.empty())
    throw ChemError("level '" + t + "' lacks its functional or its basis; " +
                    std::string(kLevelForm));
  // Each basis reaches NWChem's input: one token of a library name's characters.
  auto check_basis = [&](const std::string& name) {
    for (char c : name)
      if (!(std::isalnum(static_cast<unsigned char>(c)) ||
            std::string_view("-+*(),_").find(c) != std::string_view::npos))
        throw ChemError("basis '" + name + "' of level '" + t +
                        "' has a character no NWChem basis name has; give the name as NWChem's "
                        "library spells it (\"6-311+G(2d,p)\", \"def2-svp\", \"jul-cc-pV(D+d)Z\")");
  };
  check_basis(basis);
  for (const auto& [symbol, element_set] : element_basis) check_basis(element_set);
  Level out = level(find_functional(functional).key, basis);
  out.element_basis = std::move(element_basis);
  return out;
}

Preset preset_with_levels(const Preset& base, std::string_view text) {
  Preset p = base;
  p.name = "custom";
  p.use = "levels given by the job";
  p.figures.clear();  // the base's were measured at its levels, not these
  std::string_view shielding = text, geometry;
  if (auto at = text.find("//"); at != std::string_view::npos) {
    shielding = text.substr(0, at);
    geometry = text.substr(at + 2);
    const std::string g = trimmed(geometry);
    if (g == "gfn2-xtb" || g == "GFN2-xTB" || g == "xtb") {
      p.geometry_from_xtb = true;
    } else {
      p.geometry = parse_level(geometry);
      p.geometry.grid = base.geometry.grid;
      p.geometry.opt_convergence = base.geometry.opt_convergence;
      p.geometry_from_xtb = false;
    }
  }
  auto shielding_level = [&](std::string_view level_text) {
    Level l = parse_level(level_text);
    l.grid = base.shielding.grid;
    return l;
  };
  // "1H:..." names a nucleus; a colon inside "[El:basis]" does not.
  const auto first_colon = shielding.find(':');
  if (first_colon == std::string_view::npos || shielding.find('[') < first_colon) {
    p.shielding = shielding_level(shielding);
    p.h1_shielding.reset();
    return p;
  }
  std::optional<Level> h1, c13;
  std::string_view rest = shielding;
  while (!rest.empty()) {
    const auto end = rest.find(';');
    const std::string part = trimmed(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (part.empty()) continue;
    const auto colon = part.find(':');
    const std::string nucleus = colon == std::string::npos ? "" : trimmed(part.substr(0, colon));
    if (nucleus != "1H" && nucleus != "13C")
      throw ChemError("'" + part + "' names no nucleus; " + std::string(kLevelForm));
    auto& slot = nucleus == "1H" ? h1 : c13;
    if (slot) throw ChemError("the " + nucleus + " level is given twice in '" +
                              std::string(text) + "'");
    slot = shielding_level(part.substr(colon + 1));
  }
  if (!h1 || !c13)
    throw ChemError("a shielding per nucleus needs both 1H and 13C levels; " +
                    std::string(kLevelForm));
  p.shielding = *c13;
  p.h1_shielding = *h1;
  return p;
}

}  // namespace qmnmr::chem
