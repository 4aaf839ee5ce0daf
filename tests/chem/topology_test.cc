// topology_changes: bonds perceived from a geometry against the molecule's graph.
#include "chem/topology.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <utility>

#include "chem/error.h"
#include "support/molecules.h"

namespace qmnmr::chem {
namespace {

using ::testing::ElementsAre;

// Ethanol from SMILES: 1 C(H3), 2 C(H2), 3 O, 4-6 methyl H, 7-8 CH2 H, 9 OH.
Molecule ethanol() { return qmnmr::testing::molecule_from_smiles("CCO"); }

// a + t * (b - a) / |b - a|: the point at distance t from a towards b.
Atom along(const Atom& a, const Atom& b, double t, const std::string& symbol) {
  double dx = b.x - a.x, dy = b.y - a.y, dz = b.z - a.z;
  double n = std::sqrt(dx * dx + dy * dy + dz * dz);
  return {symbol, a.x + t * dx / n, a.y + t * dy / n, a.z + t * dz / n};
}

TEST(Topology, PerceivesTheBondsOfEthanol) {
  Molecule m = ethanol();
  auto bonds = perceive_bonds(m.geometry);
  EXPECT_EQ(bonds.size(), 8u);
  EXPECT_EQ(bonds.front(), std::make_pair(0, 1));
}

TEST(Topology, IntactGeometryReportsNothing) {
  Molecule m = ethanol();
  EXPECT_TRUE(topology_changes(m, m.geometry).empty());
}

TEST(Topology, ProtonMovedFromOxygenToCarbonReportsBothLines) {
  Molecule m = ethanol();
  ASSERT_EQ(m.symbols[2], "O");
  ASSERT_EQ(m.symbols[8], "H");
  Geometry g = m.geometry;
  // Put the hydroxyl proton 1.09 A from C1, opposite C2 (far from the oxygen).
  g.atoms[8] = along(g.atoms[0], g.atoms[1], -1.09, "H");
  EXPECT_THAT(topology_changes(m, g), ElementsAre("bond O3-H9 broken", "new bond C1-H9"));
}

TEST(Topology, StretchedCarbonCarbonBondIsReported) {
  Molecule m = ethanol();
  Geometry g = m.geometry;
  // Pull the methyl group (C1 and H4-H6) 0.9 A away from C2 along the C-C axis.
  Atom shift = along(g.atoms[1], g.atoms[0], 0.9, "C");
  double dx = shift.x - g.atoms[1].x, dy = shift.y - g.atoms[1].y, dz = shift.z - g.atoms[1].z;
  for (int i : {0, 3, 4, 5}) {
    g.atoms[i].x += dx;
    g.atoms[i].y += dy;
    g.atoms[i].z += dz;
  }
  EXPECT_THAT(topology_changes(m, g), ElementsAre("bond C1-C2 broken"));
}

TEST(Topology, WrongAtomOrderIsAnError) {
  Molecule m = ethanol();
  Geometry g = m.geometry;
  std::swap(g.atoms[0], g.atoms[2]);
  EXPECT_THROW(topology_changes(m, g), ChemError);
}

}  // namespace
}  // namespace qmnmr::chem
