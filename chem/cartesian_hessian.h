// The Cartesian Hessian xTB hands to NWChem's optimiser as its first Hessian:
// xtb's `hessian` file (a Turbomole `$hessian` block, Hartree/bohr^2, not
// mass-weighted) read and checked, and written the way NWChem's driver reads
// one with `inhess 2` (<permanent_dir>/<prefix>.hess: the lower triangle, row by
// row, one value per line, the same units).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace qmnmr::chem {

struct CartesianHessian {
  size_t atoms = 0;
  std::vector<double> values;  // (3 atoms) x (3 atoms), row-major, symmetric
  double at(size_t i, size_t j) const { return values[i * 3 * atoms + j]; }
};

// Parses xtb's `hessian` file for a molecule of `atoms` atoms. Throws ChemError
// naming what is wrong (no $hessian block, a value that is not a number, too
// few or too many values, a non-finite value, a matrix that is not symmetric).
// The two triangles are averaged.
CartesianHessian parse_xtb_hessian(std::string_view text, size_t atoms);

// The file NWChem's driver reads with `inhess 2`.
std::string nwchem_hessian_text(const CartesianHessian& hessian);

}  // namespace qmnmr::chem
