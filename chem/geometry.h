// Geometry: atoms with Cartesian coordinates in Angstrom, the exchange type
// between RDKit, xTB, CREST and NWChem. XYZ text in and out (single and
// multi-frame), with strict parsing that names the line at fault.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace qmnmr::chem {

struct Atom {
  std::string symbol;  // element symbol, canonical case ("C", "Cl")
  double x = 0, y = 0, z = 0;
};

struct Geometry {
  std::vector<Atom> atoms;
  std::string comment;  // the XYZ comment line, if any
};

// Parses one XYZ frame. Throws ChemError naming the line at fault.
Geometry parse_xyz(std::string_view text);
// Parses every frame of a multi-frame XYZ file (CREST ensembles, xtbopt logs).
std::vector<Geometry> parse_xyz_frames(std::string_view text);
// Writes one XYZ frame; the comment is flattened to one line.
std::string to_xyz(const Geometry& geometry, std::string_view comment = {});

// Element symbol in canonical case ("cl" -> "Cl"); empty if not an element.
std::string canonical_symbol(std::string_view symbol);
// Atomic number of a canonical symbol, 0 if unknown.
int atomic_number(std::string_view symbol);

}  // namespace qmnmr::chem
