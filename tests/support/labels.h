// Test-only: does a conformer carry the reference's atom labels? The
// substitution test per atom (that atom labelled by an isotope, stereo read
// from 3D: the same labelled molecule as the reference's) and, for amide-like
// rotors, the side of each N-substituent; independent of chem::ReferenceLabelling.
#pragma once
#include <string>
#include <vector>

#include "chem/geometry.h"
#include "chem/molecule.h"

namespace qmnmr::testing {

// The canonical isomeric SMILES of `m` with atom `idx` labelled by an isotope
// and stereo taken from `g`.
std::string labelled_smiles(const chem::Molecule& m, const chem::Geometry& g, unsigned idx);

// True when r sits on the same side of the c-n bond as x in `g`.
bool cis_across(const chem::Geometry& g, unsigned x, unsigned c, unsigned n, unsigned r);

// One line per atom of `g` whose label differs from the one it has in
// `reference` ("H12: ... against ..."); empty when every atom agrees.
std::vector<std::string> label_differences(const chem::Molecule& m,
                                           const chem::Geometry& reference,
                                           const chem::Geometry& g);

}  // namespace qmnmr::testing
