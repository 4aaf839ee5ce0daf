// Perceiving bonds from coordinates by covalent radii and comparing them with a molecule's
// graph, so that a changed topology (a proton transfer, a broken bond) is caught.
#include "chem/topology.h"

#include <GraphMol/GraphMol.h>
#include <GraphMol/PeriodicTable.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "chem/error.h"

namespace qmnmr::chem {
namespace {

std::string label(const Geometry& g, int i) { return g.atoms[i].symbol + std::to_string(i + 1); }

}  // namespace

std::vector<std::pair<int, int>> perceive_bonds(const Geometry& g) {
  const auto* table = RDKit::PeriodicTable::getTable();
  std::vector<double> radius;
  radius.reserve(g.atoms.size());
  for (size_t i = 0; i < g.atoms.size(); ++i) {
    int z = atomic_number(g.atoms[i].symbol);
    if (z < 1)
      throw ChemError("atom " + std::to_string(i + 1) + " ('" + g.atoms[i].symbol +
                      "') is not an element; fix the geometry's element symbols");
    radius.push_back(table->getRcovalent(z));
  }
  std::vector<std::pair<int, int>> bonds;
  for (size_t i = 0; i < g.atoms.size(); ++i)
    for (size_t j = i + 1; j < g.atoms.size(); ++j) {
      const Atom& a = g.atoms[i];
      const Atom& b = g.atoms[j];
      double d = std::sqrt((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) +
                           (a.z - b.z) * (a.z - b.z));
      if (d < kBondTolerance * (radius[i] + radius[j]))
        bonds.emplace_back(static_cast<int>(i), static_cast<int>(j));
    }
  return bonds;
}

std::vector<std::string> topology_changes(const Molecule& molecule, const Geometry& geometry) {
  check_geometry_matches(molecule, geometry);
  if (!molecule.rdkit) throw ChemError("topology check: the molecule has no RDKit structure");
  std::set<std::pair<int, int>> graph;
  for (const auto* bond : molecule.rdkit->bonds()) {
    int a = static_cast<int>(bond->getBeginAtomIdx());
    int b = static_cast<int>(bond->getEndAtomIdx());
    graph.emplace(std::min(a, b), std::max(a, b));
  }
  auto found = perceive_bonds(geometry);
  std::set<std::pair<int, int>> perceived(found.begin(), found.end());
  std::vector<std::string> lines;
  for (const auto& [a, b] : graph)
    if (!perceived.count({a, b}))
      lines.push_back("bond " + label(geometry, a) + "-" + label(geometry, b) + " broken");
  for (const auto& [a, b] : perceived)
    if (!graph.count({a, b}))
      lines.push_back("new bond " + label(geometry, a) + "-" + label(geometry, b));
  return lines;
}

}  // namespace qmnmr::chem
