// Comparing conformers: symmetry-aware RMSD after optimal alignment, removal
// of conformers that collapsed onto the same minimum, and Butina clustering
// to pick a few representatives. All geometries share the molecule's atom order.
#pragma once
#include <cstddef>
#include <utility>
#include <vector>

#include "chem/geometry.h"
#include "chem/molecule.h"

namespace qmnmr::chem {

// Symmetry-aware RMSD (Angstrom, all atoms including hydrogens) for many pairs
// of one molecule's geometries. Heavy-atom permutations are the graph's
// automorphisms; hydrogens on one atom (same symmetry class) are matched by
// optimal assignment after alignment. Build once, call many times.
class RmsdCalculator {
 public:
  explicit RmsdCalculator(const Molecule& molecule);
  // Best RMSD of `b` aligned onto `a` over the molecule's symmetries.
  double operator()(const Geometry& a, const Geometry& b) const;
  size_t permutation_count() const { return heavy_perms_.size(); }

 private:
  Molecule molecule_;  // a cheap copy (shared RDKit structure): no lifetime ties
  std::vector<std::vector<int>> heavy_perms_;  // perm[k] = probe atom for ref heavy atom k
  std::vector<int> heavy_;                     // heavy atom indices
  // Hydrogen groups keyed by heavy slot (index into heavy_) or -1 for hydrogens
  // bonded to no heavy atom; each group holds hydrogens of one symmetry class.
  struct HGroup {
    int heavy_slot;
    int cls;
    std::vector<int> atoms;
  };
  std::vector<HGroup> hgroups_;
  std::vector<std::vector<size_t>> partners_;  // per permutation: group -> partner group
};

// One-off convenience over RmsdCalculator.
double best_rmsd(const Molecule& molecule, const Geometry& a, const Geometry& b);

// For each geometry, the index of the geometry it duplicates (itself when it
// is kept): by ascending energy, a geometry duplicates the first kept one whose
// RMSD is below `rmsd_threshold` AND whose energy is within
// `energy_threshold_kcal`.
std::vector<size_t> duplicate_of(const Molecule& molecule, const std::vector<Geometry>& geometries,
                                 const std::vector<double>& energies_kcal, double rmsd_threshold,
                                 double energy_threshold_kcal);

// Indices kept after removing duplicates: two geometries are duplicates when
// their RMSD is below `rmsd_threshold` AND their energies differ by less than
// `energy_threshold_kcal`. Of each duplicate group the lowest energy is kept.
// The result is ordered by ascending energy.
std::vector<size_t> deduplicate(const Molecule& molecule, const std::vector<Geometry>& geometries,
                                const std::vector<double>& energies_kcal, double rmsd_threshold,
                                double energy_threshold_kcal);

// The mirror image of `g` (x -> -x), atoms in the same order.
Geometry mirror_image(const Geometry& g);

// True when the molecule has a tetrahedral stereocentre or a stereo double bond
// (a chiral tag or a bond stereo label): its conformers' mirror images then
// relabel a configuration, and mirror-image conformers are not shared.
bool has_stereo_labels(const Molecule& molecule);

// Pairs (computed, mirror) among geometries of a molecule without stereo labels:
// `mirror` is the mirror image of `computed` (symmetry-aware RMSD of `computed`
// against mirror_image(geometries[mirror]) below `rmsd_threshold`, energies within
// `energy_threshold_kcal`). Enantiomeric geometries have the same energy and
// shieldings in an achiral solvent, so the mirror needs no calculation of its own.
// `computed` is the lower-energy one, and never itself a mirror. Empty for a
// molecule with stereo labels.
std::vector<std::pair<size_t, size_t>> mirror_image_pairs(
    const Molecule& molecule, const std::vector<Geometry>& geometries,
    const std::vector<double>& energies_kcal, double rmsd_threshold,
    double energy_threshold_kcal);

// Butina clustering on the RMSD matrix with `threshold_angstrom`; returns the
// lowest-energy member of each of the largest clusters (at most `max_count`),
// ordered by ascending energy.
std::vector<size_t> butina_select(const Molecule& molecule,
                                  const std::vector<Geometry>& geometries,
                                  const std::vector<double>& energies_kcal,
                                  double threshold_angstrom = 1.5, size_t max_count = 8);

}  // namespace qmnmr::chem
