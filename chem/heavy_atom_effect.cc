// Flags the H and C atoms bonded to a heavy atom (chem/heavy_atom_effect.h).
#include "chem/heavy_atom_effect.h"

#include <GraphMol/RWMol.h>

#include "chem/error.h"

namespace qmnmr::chem {
namespace {

// Typical spin-orbit shift of a bonded carbon per heavy neighbour, from the
// non-relativistic versus experimental ipso shifts of bromo- and iodobenzene
// (122.6 and 94.4 ppm measured; non-relativistic DFT gives about 131 and 125).
std::string expected_error(int z) {
  if (z == 35) return "about 8-10 ppm per Br";
  if (z == 53) return "about 30 ppm per I";
  return "possibly several ppm or more";
}

}  // namespace

std::map<int, std::string> heavy_atom_caveats(const Molecule& molecule) {
  if (!molecule.rdkit) throw ChemError("heavy-atom caveats: the molecule has no RDKit structure");
  std::map<int, std::string> out;
  for (const auto* atom : molecule.rdkit->atoms()) {
    const int z = atom->getAtomicNum();
    if (z != 1 && z != 6) continue;
    std::string heavy, sizes;
    for (const auto* n : molecule.rdkit->atomNeighbors(atom)) {
      if (n->getAtomicNum() < kHeavyAtomEffectFrom) continue;
      const std::string label = n->getSymbol() + std::to_string(n->getIdx() + 1);
      heavy += (heavy.empty() ? "" : ", ") + label;
      const std::string size = expected_error(n->getAtomicNum());
      if (sizes.find(size) == std::string::npos) sizes += (sizes.empty() ? "" : "; ") + size;
    }
    if (heavy.empty()) continue;
    out[static_cast<int>(atom->getIdx())] =
        "bonded to " + heavy +
        ": the spin-orbit (heavy-atom) shift is not in this non-relativistic calculation, so "
        "the predicted shift is too far downfield" +
        (z == 6 ? " (" + sizes + ")" : "");
  }
  return out;
}

}  // namespace qmnmr::chem
