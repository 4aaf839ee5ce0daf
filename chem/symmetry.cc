// Symmetry classes from RDKit's canonical ranking with ties left unbroken.
#include "chem/symmetry.h"

#include <GraphMol/GraphMol.h>
#include <GraphMol/new_canon.h>

#include <map>

#include "chem/error.h"

namespace qmnmr::chem {

std::vector<int> symmetry_classes(const Molecule& molecule) {
  if (!molecule.rdkit) throw ChemError("symmetry_classes: the molecule has no RDKit structure");
  std::vector<unsigned int> ranks;
  RDKit::Canon::rankMolAtoms(*molecule.rdkit, ranks, /*breakTies=*/false,
                             /*includeChirality=*/true, /*includeIsotopes=*/true);
  return std::vector<int>(ranks.begin(), ranks.end());
}

std::vector<std::vector<int>> symmetry_groups(const std::vector<int>& classes) {
  std::vector<std::vector<int>> groups;
  std::map<int, size_t> slot;
  for (size_t i = 0; i < classes.size(); ++i) {
    auto [it, inserted] = slot.emplace(classes[i], groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(static_cast<int>(i));
  }
  return groups;
}

}  // namespace qmnmr::chem
