// The solvent table (SCIENCE.md) and look-up by key. ALPB names were checked
// against xtb 6.5.1 (`--alpb <name>`), COSMO names against NWChem 7.0.2.
#include "chem/solvents.h"

#include <array>

#include "chem/error.h"

namespace qmnmr::chem {
namespace {

constexpr std::string_view kPyridineNote =
    "xtb/crest alpb has no pyridine parameters; conformer search and xtb optimisation "
    "ran in gas phase, nwchem used cosmo pyridine";

constexpr std::array<Solvent, 13> kSolvents = {{
    {"chcl3", "chcl3", "chcl3", "CHCl3", ""},
    {"dmso", "dmso", "dmso", "DMSO", ""},
    {"methanol", "methanol", "methanol", "Methanol", ""},
    {"water", "water", "water", "Water", ""},
    {"acetone", "acetone", "acetone", "Acetone", ""},
    {"benzene", "benzene", "benzene", "Benzene", ""},
    {"pyridine", "pyridine", "", "Pyridine", kPyridineNote},
    {"thf", "thf", "thf", "THF", ""},
    {"toluene", "toluene", "toluene", "Toluene", ""},
    {"dcm", "dcm", "ch2cl2", "DCM", ""},
    {"acetonitrile", "acetntrl", "acetonitrile", "Acetonitrile", ""},
    {"dmf", "dmf", "dmf", "DMF", ""},
    {"vacuum", "", "", "vacuum", ""},
}};

}  // namespace

std::span<const Solvent> all_solvents() { return kSolvents; }

std::string solvent_keys() {
  std::string out;
  for (const Solvent& s : kSolvents) {
    if (!out.empty()) out += ", ";
    out += s.key;
  }
  return out;
}

const Solvent& find_solvent(std::string_view key) {
  for (const Solvent& s : kSolvents)
    if (s.key == key) return s;
  throw ChemError("unknown solvent '" + std::string(key) + "'; use one of: " + solvent_keys());
}

}  // namespace qmnmr::chem
