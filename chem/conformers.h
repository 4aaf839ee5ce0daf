// RDKit conformer search: ETKDGv3 embedding with a fixed seed, MMFF94
// optimisation with energies, and symmetry-aware RMSD pruning (hydrogens
// included). The same molecule and options always give the same conformers.
#pragma once
#include <vector>

#include "chem/geometry.h"
#include "chem/molecule.h"

namespace qmnmr::chem {

struct Conformer {
  Geometry geometry;
  double mmff_energy_kcal = 0;  // MMFF94 energy (UFF when MMFF lacks parameters)
};

struct ConformerOptions {
  int seed = 42;
  int count = 0;                    // conformers to embed; 0 = 50, or 200 above 8 rotatable bonds
  int many_rotors_threshold = 8;    // "more than this many rotatable bonds" -> many_rotors_count
  int default_count = 50;
  int many_rotors_count = 200;
  double prune_rmsd_angstrom = 0.5;  // all atoms, symmetry-aware, after MMFF
  int max_iterations = 2000;        // force-field optimisation steps
  int threads = 1;  // embedding and force-field threads; the result does not depend on it
};

// Rotatable bonds by RDKit's default definition.
int rotatable_bond_count(const Molecule& molecule);

// How many conformers ETKDG embeds for this molecule and options.
int embed_count(const Molecule& molecule, const ConformerOptions& options);

// Conformers sorted by ascending energy; throws ChemError when embedding fails
// or the molecule came without bond orders (XYZ input).
std::vector<Conformer> generate_conformers(const Molecule& molecule,
                                           const ConformerOptions& options = {});

}  // namespace qmnmr::chem
