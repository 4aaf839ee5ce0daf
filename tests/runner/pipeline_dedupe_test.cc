// collapsed_conformers: after the DFT optimisation, conformers that landed on
// the same minimum (small RMSD after symmetry-aware alignment AND nearly the
// same energy) are removed, keeping the lowest-energy one.
#include <cmath>

#include <gtest/gtest.h>

#include "chem/molecule.h"
#include "runner/pipeline/pipeline.h"

namespace qmnmr::runner {
namespace {

constexpr double kKcal = 1.0 / 627.5095;  // Hartree per kcal/mol

chem::Molecule ethanol() {
  return chem::load_molecule({chem::MoleculeInput::Format::smiles, "CCO", 0, 1, "ethanol"});
}

// Rigid rotation about z by `angle` plus a shift: the same conformer.
chem::Geometry moved(chem::Geometry g, double angle, double shift) {
  for (auto& a : g.atoms) {
    double x = a.x * std::cos(angle) - a.y * std::sin(angle);
    double y = a.x * std::sin(angle) + a.y * std::cos(angle);
    a.x = x + shift, a.y = y - shift, a.z += 0.5 * shift;
  }
  return g;
}

// Rotates atom `atom` about the axis through `a`-`b` by `angle` (a torsion).
chem::Geometry twisted(chem::Geometry g, int a, int b, int atom, double angle) {
  const auto& pa = g.atoms[a];
  const auto& pb = g.atoms[b];
  double k[3] = {pb.x - pa.x, pb.y - pa.y, pb.z - pa.z};
  double n = std::sqrt(k[0] * k[0] + k[1] * k[1] + k[2] * k[2]);
  for (double& c : k) c /= n;
  auto& p = g.atoms[atom];
  double v[3] = {p.x - pb.x, p.y - pb.y, p.z - pb.z};
  double dot = k[0] * v[0] + k[1] * v[1] + k[2] * v[2];
  double cross[3] = {k[1] * v[2] - k[2] * v[1], k[2] * v[0] - k[0] * v[2],
                     k[0] * v[1] - k[1] * v[0]};
  double c = std::cos(angle), s = std::sin(angle);
  double r[3];
  for (int i = 0; i < 3; ++i) r[i] = v[i] * c + cross[i] * s + k[i] * dot * (1 - c);
  p.x = pb.x + r[0], p.y = pb.y + r[1], p.z = pb.z + r[2];
  return g;
}

int hydroxyl_hydrogen(const chem::Molecule& m) {
  // The H nearest the oxygen (atom 2 of CCO).
  int best = -1;
  double bd = 1e9;
  const auto& o = m.geometry.atoms[2];
  for (size_t i = 0; i < m.geometry.atoms.size(); ++i) {
    if (m.geometry.atoms[i].symbol != "H") continue;
    const auto& h = m.geometry.atoms[i];
    double d = std::hypot(h.x - o.x, h.y - o.y, h.z - o.z);
    if (d < bd) bd = d, best = static_cast<int>(i);
  }
  return best;
}

TEST(PipelineDedupe, ConformersOnTheSameMinimumCollapseToTheLowestEnergyOne) {
  auto m = ethanol();
  ASSERT_EQ(m.geometry.atoms[2].symbol, "O");
  auto base = m.geometry;
  auto same_moved = moved(base, 1.1, 0.7);  // the same minimum, elsewhere in space
  auto jitter = base;
  jitter.atoms[0].x += 0.01;  // numerical noise of an optimiser
  double e0 = -154.0;
  // Positions: 0 base, 1 the same moved (lower by 0.05 kcal), 2 jittered.
  auto removed = collapsed_conformers(m, {base, same_moved, jitter},
                                      {e0, e0 - 0.05 * kKcal, e0 + 0.02 * kKcal});
  EXPECT_EQ(removed, (std::map<size_t, size_t>{{0, 1}, {2, 1}})) << "the lowest-energy copy must stay";
}

TEST(PipelineDedupe, DistinctRotamersOrEnergiesStay) {
  auto m = ethanol();
  auto base = m.geometry;
  int h = hydroxyl_hydrogen(m);
  ASSERT_GE(h, 0);
  auto rotamer = twisted(base, 1, 2, h, 2.0 * M_PI / 3.0);  // OH turned by 120 degrees
  // Same geometry but 1 kcal/mol apart: not the same minimum (e.g. a state
  // that converged elsewhere in the SCF); both stay.
  auto removed = collapsed_conformers(m, {base, rotamer, base},
                                      {-154.0, -154.0, -154.0 + 1.0 * kKcal});
  EXPECT_TRUE(removed.empty()) << removed.size();
  // A rotamer equal in energy but moved away is distinct; a second copy of it
  // is not.
  removed = collapsed_conformers(m, {base, rotamer, moved(rotamer, 0.3, 1.0)},
                                 {-154.0, -154.0 + 0.3 * kKcal, -154.0 + 0.31 * kKcal});
  EXPECT_EQ(removed, (std::map<size_t, size_t>{{2, 1}}));
}

TEST(PipelineDedupe, TwoCopiesOfOneMinimumAsFarApartAsNwchemsNoiseCollapse) {
  // NWChem's grid and COSMO surface gave two copies of one minimum (a mirror
  // pair of butan-1-ol conformers, draft level) energies 0.39 kcal/mol apart.
  auto m = ethanol();
  auto copy = moved(m.geometry, 0.5, 2.0);
  auto removed = collapsed_conformers(m, {m.geometry, copy}, {-154.0, -154.0 + 0.39 * kKcal});
  EXPECT_EQ(removed, (std::map<size_t, size_t>{{1, 0}}));
}

TEST(PipelineDedupe, RejectsMismatchedInputs) {
  auto m = ethanol();
  EXPECT_THROW(collapsed_conformers(m, {m.geometry}, {}), std::invalid_argument);
  EXPECT_TRUE(collapsed_conformers(m, {}, {}).empty());
  EXPECT_TRUE(collapsed_conformers(m, {m.geometry}, {-1.0}).empty());
}

}  // namespace
}  // namespace qmnmr::runner
