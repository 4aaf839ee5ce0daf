// xtb `hessian` reader and NWChem `.hess` writer.
#include "chem/cartesian_hessian.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "chem/error.h"

namespace qmnmr::chem {
namespace {

// A numerical Hessian is symmetric to its finite-difference noise; more than
// this (Hartree/bohr^2) means the file is not one matrix of this molecule.
constexpr double kAsymmetryLimit = 1e-3;

}  // namespace

CartesianHessian parse_xtb_hessian(std::string_view text, size_t atoms) {
  const size_t n = 3 * atoms;
  size_t pos = text.find("$hessian");
  if (atoms == 0 || pos == std::string_view::npos)
    throw ChemError("xtb's hessian file has no $hessian block");
  pos = text.find('\n', pos);
  CartesianHessian h;
  h.atoms = atoms;
  h.values.reserve(n * n);
  while (pos != std::string_view::npos && pos < text.size()) {
    size_t end = text.find('\n', pos + 1);
    std::string_view line =
        text.substr(pos + 1, end == std::string_view::npos ? std::string_view::npos : end - pos - 1);
    pos = end;
    size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) continue;
    if (line[first] == '$') break;  // the next block, or $end
    const char* p = line.data() + first;
    const char* stop = line.data() + line.size();
    while (p < stop) {
      while (p < stop && (*p == ' ' || *p == '\t' || *p == '\r')) ++p;
      if (p == stop) break;
      double v = 0;
      auto [next, ec] = std::from_chars(p, stop, v);
      if (ec != std::errc() || (next < stop && *next != ' ' && *next != '\t' && *next != '\r'))
        throw ChemError("xtb's hessian file has a value that is not a number: '" +
                        std::string(line.substr(p - line.data(), 24)) + "'");
      if (!std::isfinite(v)) throw ChemError("xtb's hessian file has a non-finite value");
      h.values.push_back(v);
      p = next;
    }
  }
  if (h.values.size() != n * n)
    throw ChemError("xtb's hessian file has " + std::to_string(h.values.size()) +
                    " values; a molecule of " + std::to_string(atoms) + " atoms needs " +
                    std::to_string(n * n));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < i; ++j) {
      double& a = h.values[i * n + j];
      double& b = h.values[j * n + i];
      if (std::fabs(a - b) > kAsymmetryLimit)
        throw ChemError("xtb's hessian is not symmetric (row " + std::to_string(i + 1) +
                        ", column " + std::to_string(j + 1) + ")");
      a = b = 0.5 * (a + b);
    }
  return h;
}

std::string nwchem_hessian_text(const CartesianHessian& hessian) {
  const size_t n = 3 * hessian.atoms;
  std::string out;
  out.reserve(n * (n + 1) / 2 * 31);
  char buf[64];
  // NWChem reads each line with Fortran's f30.15.
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j <= i; ++j) {
      std::snprintf(buf, sizeof buf, "%30.15f\n", hessian.at(i, j));
      out += buf;
    }
  return out;
}

}  // namespace qmnmr::chem
