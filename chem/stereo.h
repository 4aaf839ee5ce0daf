// Stereochemistry of a molecule: which stereo elements it has, the policy for
// unspecified ones (fix a lone enantiomeric centre, refuse the rest), the
// enumeration of stereoisomers, and the check that a 3D geometry kept them.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "chem/geometry.h"

namespace RDKit {
class ROMol;
class RWMol;
}  // namespace RDKit

namespace qmnmr::chem {

struct Molecule;

// One element that could be stereogenic: a tetrahedral centre (including the
// ring cis/trans centres of e.g. 1,4-dimethylcyclohexane) or a double bond.
struct StereoElement {
  enum class Kind { centre, double_bond };
  Kind kind = Kind::centre;
  std::vector<int> atoms;  // 0-based; one atom for a centre, the two bond atoms for a bond
  bool specified = false;
  std::string label;  // "C3" (1-based index and element) or "C2=C3"
};

struct StereoReport {
  std::vector<StereoElement> elements;  // centres first, then bonds, by atom index

  size_t unspecified_count() const;
  size_t specified_count() const;
};

// What load_molecule does with unspecified stereo elements.
enum class StereoPolicy {
  // Fix a lone unspecified centre (its two choices are enantiomers), or
  // unspecified elements of which only one combination (one enantiomer pair,
  // e.g. the bridgeheads of camphor) can be built in 3D; refuse anything else.
  fix_enantiomer_or_refuse,
  // Leave unspecified elements as they are (the embedder then picks at random).
  keep,
};

// The potential stereo elements of `mol` (RDKit's findPotentialStereo).
StereoReport analyse_stereo(const RDKit::ROMol& mol);

// Applies `policy` to `mol` in place before it is embedded. Returns the notes
// saying what was done (empty when nothing was unspecified). Up to 8 candidate
// isomers are tested by a short ETKDGv3 embedding (fixed seeds) whose 3D
// configuration must match; those that cannot be built are dropped. Throws
// ChemError naming every unspecified element, how to write it and examples
// that can be built when the policy refuses.
std::vector<std::string> apply_stereo_policy(RDKit::RWMol& mol, StereoPolicy policy);

// Every assignment of the unspecified elements of `mol`, as isomeric SMILES
// (hydrogens implicit, the input's atom order). An isomer and its mirror image
// (all centres inverted, bonds kept) are one entry; a molecule with nothing
// unspecified gives itself. Throws ChemError when there are more than `cap`.
std::vector<std::string> enumerate_stereoisomers(const RDKit::ROMol& mol, size_t cap = 8);
std::vector<std::string> enumerate_stereoisomers(const Molecule& molecule, size_t cap = 8);

// Sets every stereo element of `mol` from its conformer `conf_id` (3D input).
void assign_stereo_from_3d(RDKit::RWMol& mol, int conf_id = -1);

// Compares the stereo perceived from `geometry` (same atom order) with the
// molecule's specified stereo: one line per element that changed, e.g.
// "C3 inverted from R to S"; empty when the geometry kept the input's stereo.
std::vector<std::string> stereo_changes(const Molecule& molecule, const Geometry& geometry);

}  // namespace qmnmr::chem
