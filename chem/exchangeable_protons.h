// Hydrogens on O, N or S exchange with each other and with traces of water, and
// hydrogen-bond to the solvent and to each other: their measured shift moves
// with concentration, temperature and water content (an alcohol OH anywhere
// from about 1 to 5 ppm in CDCl3), which a calculation on one solvated molecule
// cannot know. qmnmr computes them but flags them, as it does heavy-atom shifts.
#pragma once
#include <map>
#include <string>

#include "chem/molecule.h"

namespace qmnmr::chem {

// 0-based index of every H bonded to O, N or S -> a caveat for its shift.
std::map<int, std::string> exchangeable_proton_caveats(const Molecule& molecule);

}  // namespace qmnmr::chem
