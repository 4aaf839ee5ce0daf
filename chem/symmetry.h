// Topological symmetry of a molecule: atoms that the molecular graph cannot
// tell apart (the three H of a methyl, the two ortho H of a phenyl) share a
// class. Shieldings of one class are averaged before they become shifts.
#pragma once
#include <vector>

#include "chem/molecule.h"

namespace qmnmr::chem {

// One class id per atom (0-based atom order). Equal ids = topologically
// equivalent atoms; ids are RDKit canonical ranks without tie breaking, so
// they are stable for a given molecule but not consecutive.
std::vector<int> symmetry_classes(const Molecule& molecule);

// The atoms of each class, in order of each class's lowest atom index; each
// group's atom indices are ascending and 0-based.
std::vector<std::vector<int>> symmetry_groups(const std::vector<int>& classes);

}  // namespace qmnmr::chem
