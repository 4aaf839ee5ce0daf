// NMReDATA 1.1 writer: the molecule with its optimised geometry as a V2000
// molblock followed by the NMREDATA_* tags (assignment and 1D 1H/13C peak
// lists). Symmetry-equivalent atoms form one signal. Output is one SDF record.
#pragma once
#include <string>
#include <vector>

#include "chem/geometry.h"
#include "chem/molecule.h"

namespace qmnmr::chem {

struct AtomShift {
  int index = 0;     // 1-based atom number (the molblock's numbering)
  double shift = 0;  // ppm
};

struct NmredataInput {
  // The NMR solvent name, Solvent::nmr_name (e.g. "CDCl3"). Empty: no NMR solvent (gas phase),
  // written as "none".
  std::string solvent;
  double temperature_k = 298.15;
  double larmor_1h_mhz = 400.0;  // nominal field of the predicted spectra
  std::vector<AtomShift> h1;
  std::vector<AtomShift> c13;
  std::vector<int> symmetry_classes;  // per atom, 0-based (nmr_equivalence_classes()); empty = none
};

// The SDF text. Throws ChemError when the geometry does not match the
// molecule or an atom number is out of range.
std::string nmredata_sdf(const Molecule& molecule, const Geometry& geometry,
                         const NmredataInput& input);

// A name safe for an SDF title line: one line, no "$$$$", at most 80 characters.
std::string sdf_safe_title(std::string_view name);

}  // namespace qmnmr::chem
