// Bonds from 3D geometry (the one covalent-radius rule qmnmr uses) and the check that a
// geometry still holds the molecule's bonds after an optimisation.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "chem/geometry.h"
#include "chem/molecule.h"

namespace qmnmr::chem {

// Bonded when the distance is below this factor times the sum of covalent radii.
constexpr double kBondTolerance = 1.3;

// Pairs (i, j), i < j, 0-based, of atoms bonded by the covalent-radius rule, in ascending
// order. Unknown elements throw ChemError.
std::vector<std::pair<int, int>> perceive_bonds(const Geometry& geometry);

// One line per difference between the bonds perceived in `geometry` and the molecule's
// graph, 1-based with elements: "bond O3-H9 broken", "new bond C2-H9". Broken bonds come
// first, each list in atom order. Empty when the graph is intact. Throws ChemError when the
// geometry does not have the molecule's atoms in order.
std::vector<std::string> topology_changes(const Molecule& molecule, const Geometry& geometry);

}  // namespace qmnmr::chem
