// Choosing which conformers go to DFT under a cap without losing Boltzmann weight: lowest
// energy first, the minimum always, and geometric diversity only to break near-ties.
#pragma once
#include <cstddef>
#include <vector>

#include "chem/ensemble.h"
#include "chem/geometry.h"
#include "chem/molecule.h"

namespace qmnmr::chem {

// Candidates whose energies differ by at most this much are near-ties (kcal/mol).
inline constexpr double kNearTieKcal = 0.1;

struct Selection {
  std::vector<size_t> indices;  // chosen candidates, ascending energy
  // Boltzmann weight (at the given temperature, over these energies) of the candidates
  // not chosen: 0 when all are kept.
  double left_out_weight = 0;
};

// Fills up to `cap` slots lowest energy first; the minimum is always kept. When a group
// of near-ties (within kNearTieKcal of the group's lowest) has more members than slots
// left, the slots go to the members farthest (symmetry-aware RMSD) from those already
// chosen. Throws ChemError on a zero cap, mismatched sizes or a non-finite energy.
Selection select_for_dft(const Molecule& molecule, const std::vector<Geometry>& geometries,
                         const std::vector<double>& energies_kcal, size_t cap,
                         double temperature_k = kRoomTemperature);

}  // namespace qmnmr::chem
