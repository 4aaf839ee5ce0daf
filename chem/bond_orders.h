// Bond orders and formal charges from connectivity alone (XYZ input): every atom reaches a
// normal valence, the formal charges sum to the molecule's charge, with as few charges as
// possible.
#pragma once
#include <optional>
#include <utility>
#include <vector>

namespace RDKit {
class RWMol;
}

namespace qmnmr::chem {

struct BondOrderAssignment {
  std::vector<int> orders;          // per input bond: 1, 2 or 3
  std::vector<int> formal_charges;  // per atom
  int charged_atoms = 0;
};

// Assigns orders to `bonds` (0-based atom pairs) of atoms with `atomic_numbers` so that
// every atom has one of its normal valences (H 1; B 3, B- 4; C 4; N 3, N+ 4, N- 2; O 2,
// O- 1, O+ 3; P 3 or 5, P+ 4; S 2, 4 or 6, S- 1, S+ 3; Si 4; F, Cl, Br, I 1, halide 0)
// and the formal charges sum to `total_charge`. Of the assignments found it returns the
// cheapest: fewest charges, then lowest valences. nullopt when none exists (a radical, a
// wrong charge, an unsupported element, a distorted geometry).
std::optional<BondOrderAssignment> assign_bond_orders(
    const std::vector<int>& atomic_numbers, const std::vector<std::pair<int, int>>& bonds,
    int total_charge);

// Applies assign_bond_orders to `mol` (explicit hydrogens, single bonds) and sanitises it
// (valences, aromaticity). Returns false, leaving `mol` unchanged, when no assignment is
// found or RDKit rejects it.
bool perceive_bond_orders(RDKit::RWMol& mol, int total_charge);

}  // namespace qmnmr::chem
