// One labelling for every conformer: a conformer's atoms renumbered by the
// automorphism of the molecular graph that gives it the reference geometry's
// local parities, so that atom i is the same diastereotopic position in every
// conformer (the H cis to the OH of cyclohexanol, the pro-R H of a CH2).
#pragma once
#include <memory>
#include <vector>

#include "chem/geometry.h"
#include "chem/molecule.h"

namespace qmnmr::chem {

// A conformer relabelled onto the reference. Only labels move: the structure
// is the conformer's own.
struct Relabelled {
  Geometry geometry;        // geometry.atoms[i] = conformer.atoms[source[i]]
  std::vector<int> source;  // the automorphism, molecule atom -> conformer atom
  // Configurational parities (tetrahedral centres, double bonds) the labelling
  // leaves unmatched: 0 when the conformer is the reference's stereoisomer.
  int configuration_mismatches = 0;
  // Amide-like C-N rotors whose substituents sit the other way round from the
  // reference and that no relabelling can turn (E/Z rotamers of an
  // N-methylacetamide are different conformers, not different labels).
  int rotamer_mismatches = 0;
  // The search stopped at ReferenceLabelling::kMaxSearchNodes before finding a
  // labelling that matches every configurational parity; the best one found
  // so far (or the conformer's own) is returned.
  bool search_capped = false;

  bool same_configuration() const { return configuration_mismatches == 0 && !search_capped; }
};

// Built once per molecule from `molecule.geometry` (the reference), then
// aligns any number of its conformers. The automorphisms are searched over
// the skeleton (every atom but terminal hydrogens), candidates by RDKit's
// canonical ranks without tie breaking, pruned as soon as a parity is decided;
// the hydrogens of a CH2 (or NH2) are then placed by their centre's own parity.
// Parities are read at:
//  - every 4-coordinate atom: the handedness of its three lowest-numbered
//    neighbours (for a CH2 this is which H is which; for C1 of cyclohexanol,
//    which ring direction is which);
//  - every 3-coordinate S or P (sulfoxides, phosphines: they do not invert);
//  - every non-aromatic C=C, C=N or N=N whose ends each carry a substituent
//    (and no second double bond): cis or trans of the lowest-numbered ones;
//  - every amide, thioamide or N-nitroso C-N bond (chem::hindered_rotors): the
//    side of the nitrogen's substituents relative to the O or S. These are
//    rotamers, so they are matched where a relabelling can match them and
//    otherwise counted in rotamer_mismatches.
// Three-coordinate centres (amine nitrogens, which invert fast) and methyl
// groups (fast rotors) constrain nothing. Parities whose reference value is
// nearly flat are not used.
class ReferenceLabelling {
 public:
  // Search nodes (partial labellings tried) before giving up on a conformer:
  // real molecules need tens to a few thousand; a cage such as C60 could need
  // more, and then keeps the best labelling found.
  static constexpr long kMaxSearchNodes = 200000;

  explicit ReferenceLabelling(const Molecule& molecule);
  ~ReferenceLabelling();
  ReferenceLabelling(ReferenceLabelling&&) noexcept;
  ReferenceLabelling& operator=(ReferenceLabelling&&) noexcept;

  // Throws ChemError when `conformer` does not have the molecule's atoms.
  Relabelled align(const Geometry& conformer) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qmnmr::chem
