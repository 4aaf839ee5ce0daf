// The solvent table (SCIENCE.md "Solvents" and "NMReDATA solvent names") and look-up by
// key. ALPB names were checked against xtb 6.5.1 (`--alpb <name>`), COSMO names against
// NWChem 7.0.2.
#include "chem/solvents.h"

#include <array>

#include "chem/error.h"

namespace qmnmr::chem {
namespace {

constexpr std::string_view kPyridineNote =
    "xtb/crest alpb has no pyridine parameters; conformer search and xtb optimisation "
    "ran in gas phase, nwchem used cosmo pyridine";

constexpr std::array<Solvent, 13> kSolvents = {{
    {"chcl3", "chcl3", "chcl3", "CHCl3", "CDCl3", ""},
    {"dmso", "dmso", "dmso", "DMSO", "DMSO-d6", ""},
    {"methanol", "methanol", "methanol", "Methanol", "CD3OD", ""},
    {"water", "water", "water", "Water", "D2O", ""},
    {"acetone", "acetone", "acetone", "Acetone", "acetone-d6", ""},
    {"benzene", "benzene", "benzene", "Benzene", "C6D6", ""},
    {"pyridine", "pyridine", "", "Pyridine", "pyridine-d5", kPyridineNote},
    {"thf", "thf", "thf", "THF", "THF-d8", ""},
    {"toluene", "toluene", "toluene", "Toluene", "toluene-d8", ""},
    {"dcm", "dcm", "ch2cl2", "DCM", "CD2Cl2", ""},
    {"acetonitrile", "acetntrl", "acetonitrile", "Acetonitrile", "CD3CN", ""},
    {"dmf", "dmf", "dmf", "DMF", "DMF-d7", ""},
    {"vacuum", "", "", "vacuum", "", ""},
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
