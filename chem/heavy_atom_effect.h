// Light atoms whose shift the non-relativistic shieldings get wrong: a carbon or
// hydrogen bonded to an atom from bromine (Z 35) on is shifted upfield by the
// heavy atom's spin-orbit coupling (the heavy-atom-on-light-atom, HALA, effect),
// which NWChem's NMR module leaves out. qmnmr flags those atoms; it does not
// correct them.
#pragma once
#include <map>
#include <string>

#include "chem/molecule.h"

namespace qmnmr::chem {

// The lightest element whose spin-orbit shift on a bonded carbon is larger
// than the shift conversion's own uncertainty (about 2 ppm for 13C).
inline constexpr int kHeavyAtomEffectFrom = 35;  // Br

// 0-based index of every H and C bonded to such an atom -> a caveat for its
// shift naming the heavy neighbours and the expected size of the error.
std::map<int, std::string> heavy_atom_caveats(const Molecule& molecule);

}  // namespace qmnmr::chem
