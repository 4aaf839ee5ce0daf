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

// NMR equivalence by the substitution test, on the molecule's 3D geometry:
// two atoms that the graph cannot tell apart share a class when labelling one
// or the other with an isotope gives the same molecule (homotopic) or mirror
// images (enantiotopic); diastereotopic atoms (the CH2 protons next to a
// stereocentre, the methyls of an isopropyl on one) get separate classes. The
// H of a CH3 or NH3+ always share one (fast rotation). The two substituents of
// an amide, thioamide or N-nitroso nitrogen never share one (the C-N bond does
// not rotate on the NMR time scale: DMF's two N-methyls are 2.88 and 2.96 ppm).
// Ids are the lowest atom index of each class. Depends on the configuration of `molecule.geometry`,
// not on its conformation.
std::vector<int> nmr_equivalence_classes(const Molecule& molecule);

// A conformer's atoms are matched to these classes by chem::ReferenceLabelling
// (reference_labelling.h), which numbers every conformer like `molecule.geometry`.

// A bond that does not rotate on the NMR time scale at room temperature, so
// that the two substituents r1, r2 of its nitrogen n are distinct (the two
// N-methyls of DMF and DMAc: 2.88 / 2.96 ppm): an amide or thioamide
// X=C(-n) whose carbon bears C or H (not a urea or carbamate, which rotate
// faster), or an N-nitroso X=N-n, outside rings. `x` is the doubly bonded O or
// S, `c` its partner; r1 < r2.
struct HinderedRotor {
  unsigned x, c, n, r1, r2;
};
std::vector<HinderedRotor> hindered_rotors(const Molecule& molecule);

// The atoms of each class, in order of each class's lowest atom index; each
// group's atom indices are ascending and 0-based.
std::vector<std::vector<int>> symmetry_groups(const std::vector<int>& classes);

}  // namespace qmnmr::chem
