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

// `conformer` (atoms in the molecule's order) with interchangeable atoms
// relabelled to match `molecule.geometry`: where a tetrahedral atom carries two
// graph-equivalent terminal atoms or CH3-like groups (the two H of a CH2, the
// two methyls of an isopropyl), the conformer's pair is swapped when it sits
// the other way round. The structure is unchanged; only labels move, so that
// diastereotopic atoms (nmr_equivalence_classes) mean the same atom in every
// conformer. Likewise the two equal CH3-like groups on an amide nitrogen: the
// one cis to the carbonyl O in the molecule's geometry stays so labelled. ETKDG places such pairs at random; CREST/xTB do not swap them.
Geometry align_equivalent_atoms(const Molecule& molecule, const Geometry& conformer);

// The atoms of each class, in order of each class's lowest atom index; each
// group's atom indices are ascending and 0-based.
std::vector<std::vector<int>> symmetry_groups(const std::vector<int>& classes);

}  // namespace qmnmr::chem
