// One molecule from an input that holds several: a salt ("...N.Cl", as PubChem
// writes hydrochlorides), a solvate, a counter-ion. qmnmr computes one
// molecule; a DFT run on an ion pair would move the proton or bind the ion.
// RDKit's list of known counter-ions and solvents (MolStandardize) decides
// what goes; what remains must be one molecule.
#pragma once
#include <string>
#include <vector>

#include <GraphMol/RWMol.h>

namespace qmnmr::chem {

// Removes the known counter-ions and solvents from a molecule of several
// fragments, and repeats of one molecule ("CCO.CCO" -> "CCO"). Returns what it
// removed, as SMILES ("Cl", "O"); empty for a one-fragment molecule, which it
// leaves alone. Throws ChemError naming the fragments when two or more
// different ones remain.
std::vector<std::string> keep_one_fragment(std::unique_ptr<RDKit::RWMol>& mol);

}  // namespace qmnmr::chem
