// Flags the exchangeable hydrogens (chem/exchangeable_protons.h).
#include "chem/exchangeable_protons.h"

#include <GraphMol/RWMol.h>

#include "chem/error.h"

namespace qmnmr::chem {

std::map<int, std::string> exchangeable_proton_caveats(const Molecule& molecule) {
  if (!molecule.rdkit)
    throw ChemError("exchangeable protons: the molecule has no RDKit structure");
  std::map<int, std::string> out;
  for (const auto* atom : molecule.rdkit->atoms()) {
    if (atom->getAtomicNum() != 1) continue;
    for (const auto* n : molecule.rdkit->atomNeighbors(atom)) {
      const int z = n->getAtomicNum();
      if (z != 7 && z != 8 && z != 16) continue;
      out[static_cast<int>(atom->getIdx())] =
          "exchangeable H on " + n->getSymbol() + std::to_string(n->getIdx() + 1) +
          ": its measured shift depends on concentration, temperature and water, which the "
          "calculation on one molecule does not see; compare with care";
    }
  }
  return out;
}

}  // namespace qmnmr::chem
