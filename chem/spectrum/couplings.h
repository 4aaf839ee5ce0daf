// H-H couplings of one conformer over two to four bonds, from its geometry
// and bond graph: vicinal couplings across sp3-sp3 C-C bonds from the HLA
// Karplus relation (chem/spectrum/karplus.h) at the conformer's own dihedral,
// the others from typical values of their kind (each named with its source
// in `relation`). H on O, N or S (exchangeable) get none: their couplings
// depend on exchange with the solvent, not on the structure. Conformers'
// couplings are averaged by the caller with the ensemble's weights, as the
// shifts are.
#pragma once
#include <string>
#include <vector>

#include "chem/geometry.h"

namespace RDKit {
class ROMol;
}

namespace qmnmr::chem::spectrum {

struct HHCoupling {
  int a = -1, b = -1;  // 0-based atom indices, a < b
  int bonds = 0;       // 2, 3 or 4
  double hz = 0;
  std::string relation;  // "2J sp3 geminal", "3J HLA", "3J alkene cis", ...
};

// `geometry` holds the molecule's atoms in its order. Pairs without a
// relation of their own (most 4J) are left out: they are below 1 Hz.
std::vector<HHCoupling> hh_couplings(const RDKit::ROMol& molecule, const Geometry& geometry);

// The signed H1-C1-C2-H2 dihedral in degrees, (-180, 180].
double dihedral_degrees(const Atom& a, const Atom& b, const Atom& c, const Atom& d);

}  // namespace qmnmr::chem::spectrum
