// H-H couplings of one conformer: the kinds of H pair, the HLA fragment
// (dihedral, substituents, their orientation) and the typical values.
//
// Typical values and their sources (Hz):
//   2J sp3 geminal        -12.5  (cyclohexane -12.6, methane -12.4; Günther,
//                                 NMR Spectroscopy, 3rd ed., Wiley 2013, ch. 4)
//   2J =CH2 geminal       +1.5   (ethylene +2.5, propene +2.1, styrene +1.0: the
//                                 middle of the monosubstituted range, same source)
//   3J alkene cis/trans   10.5 / 17.0 (propene 10.0 / 16.8, styrene 10.9 / 17.6)
//   3J sp3-sp2 (allylic)  Garbisch (J. Am. Chem. Soc. 1964, 86, 5561):
//                         6.6 cos^2 phi + 2.6 sin^2 phi up to 90 degrees,
//                         11.6 cos^2 phi + 2.6 sin^2 phi beyond
//   3J H-C-CHO            2.5    (acetaldehyde 2.85, propanal 1.4: the aldehyde H)
//   3J aromatic ortho     7.6 in a benzene ring (benzene 7.54), 4.9 next to a
//                         ring N (pyridine J23 4.9), 3.3 in a five-membered
//                         ring (furan J34 3.3, thiophene 3.5)
//   4J aromatic meta      1.4    (benzene 1.37)
#include "chem/spectrum/couplings.h"

#include <GraphMol/GraphMol.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "chem/spectrum/karplus.h"

namespace qmnmr::chem::spectrum {
namespace {

using RDKit::Atom;
using Hyb = RDKit::Atom::HybridizationType;

bool exchangeable(const RDKit::Atom& heavy) {
  const int z = heavy.getAtomicNum();
  return z == 7 || z == 8 || z == 16;
}

// The one heavy atom an H is bonded to, or nullptr.
const RDKit::Atom* carrier(const RDKit::ROMol& mol, const RDKit::Atom& h) {
  if (h.getDegree() != 1) return nullptr;
  for (const RDKit::Atom* n : mol.atomNeighbors(&h)) return n;
  return nullptr;
}

double wrap_degrees(double d) {
  while (d > 180) d -= 360;
  while (d <= -180) d += 360;
  return d;
}

bool in_ring_of_size(const RDKit::ROMol& mol, const RDKit::Atom& a, unsigned size) {
  return mol.getRingInfo()->isAtomInRingOfSize(a.getIdx(), size);
}

bool next_to_ring_nitrogen(const RDKit::ROMol& mol, const RDKit::Atom& a) {
  for (const RDKit::Atom* n : mol.atomNeighbors(&a))
    if (n->getAtomicNum() == 7 && n->getIsAromatic()) return true;
  return false;
}

// The HLA coupling of H1-C1-C2-H2 (both carbons sp3) at this geometry.
double hla_fragment(const RDKit::ROMol& mol, const Geometry& g, const RDKit::Atom& h1,
                    const RDKit::Atom& c1, const RDKit::Atom& c2, const RDKit::Atom& h2) {
  const auto& at = g.atoms;
  const double phi = dihedral_degrees(at[h1.getIdx()], at[c1.getIdx()], at[c2.getIdx()],
                                      at[h2.getIdx()]);
  struct Raw {
    const RDKit::Atom* alpha;
    const RDKit::Atom* carbon;
    int xi;
  };
  std::vector<Raw> raw;
  for (const auto& [carbon, other, own_h, far_h] :
       {std::tuple{&c1, &c2, &h1, &h2}, std::tuple{&c2, &c1, &h2, &h1}}) {
    for (const RDKit::Atom* s : mol.atomNeighbors(carbon)) {
      if (s == other || s->getAtomicNum() == 1) continue;
      // Where the substituent sits around its carbon relative to its proton.
      const double tau = wrap_degrees(
          dihedral_degrees(at[s->getIdx()], at[carbon->getIdx()], at[other->getIdx()],
                           at[far_h->getIdx()]) -
          dihedral_degrees(at[own_h->getIdx()], at[carbon->getIdx()], at[other->getIdx()],
                           at[far_h->getIdx()]));
      raw.push_back({s, carbon, tau > 0 ? -1 : 1});
    }
  }
  const HlaParameters& p = hla_parameters(static_cast<int>(raw.size()));
  const double chi_h = huggins_electronegativity(1);
  std::vector<HlaSubstituent> subs;
  for (const Raw& r : raw) {
    const double chi = huggins_electronegativity(r.alpha->getAtomicNum());
    if (chi == 0) continue;
    double beta = 0;
    for (const RDKit::Atom* b : mol.atomNeighbors(r.alpha))
      if (b != r.carbon) {
        const double cb = huggins_electronegativity(b->getAtomicNum());
        if (cb != 0) beta += cb - chi_h;
      }
    subs.push_back({(chi - chi_h) - p.p7 * beta, r.xi});
  }
  return hla_coupling(phi, subs, p);
}

double garbisch(double phi_deg) {
  const double phi = std::abs(wrap_degrees(phi_deg)) * std::numbers::pi / 180.0;
  const double c2 = std::cos(phi) * std::cos(phi), s2 = 1 - c2;
  return (phi <= std::numbers::pi / 2 ? 6.6 : 11.6) * c2 + 2.6 * s2;
}

bool is_carbonyl_carbon(const RDKit::ROMol& mol, const RDKit::Atom& c) {
  for (const RDKit::Bond* b : mol.atomBonds(&c))
    if (b->getBondType() == RDKit::Bond::DOUBLE && b->getOtherAtom(&c)->getAtomicNum() == 8)
      return true;
  return false;
}

}  // namespace

double dihedral_degrees(const chem::Atom& a, const chem::Atom& b, const chem::Atom& c,
                        const chem::Atom& d) {
  const double b1[3] = {b.x - a.x, b.y - a.y, b.z - a.z};
  const double b2[3] = {c.x - b.x, c.y - b.y, c.z - b.z};
  const double b3[3] = {d.x - c.x, d.y - c.y, d.z - c.z};
  auto cross = [](const double* u, const double* v, double* w) {
    w[0] = u[1] * v[2] - u[2] * v[1];
    w[1] = u[2] * v[0] - u[0] * v[2];
    w[2] = u[0] * v[1] - u[1] * v[0];
  };
  // atan2(|b2| b1 . (b2 x b3), (b1 x b2) . (b2 x b3)): positive when, looking
  // from b to c, a turns clockwise onto d (the IUPAC sign).
  double n1[3], n2[3];
  cross(b1, b2, n1);
  cross(b2, b3, n2);
  const double len2 = std::sqrt(b2[0] * b2[0] + b2[1] * b2[1] + b2[2] * b2[2]);
  const double y = len2 * (b1[0] * n2[0] + b1[1] * n2[1] + b1[2] * n2[2]);
  const double x = n1[0] * n2[0] + n1[1] * n2[1] + n1[2] * n2[2];
  return wrap_degrees(std::atan2(y, x) * 180.0 / std::numbers::pi);
}

std::vector<HHCoupling> hh_couplings(const RDKit::ROMol& mol, const Geometry& g) {
  std::vector<HHCoupling> out;
  const unsigned n = mol.getNumAtoms();
  for (unsigned i = 0; i < n; ++i) {
    const RDKit::Atom& hi = *mol.getAtomWithIdx(i);
    if (hi.getAtomicNum() != 1) continue;
    const RDKit::Atom* ci = carrier(mol, hi);
    if (!ci || exchangeable(*ci)) continue;
    for (unsigned k = i + 1; k < n; ++k) {
      const RDKit::Atom& hk = *mol.getAtomWithIdx(k);
      if (hk.getAtomicNum() != 1) continue;
      const RDKit::Atom* ck = carrier(mol, hk);
      if (!ck || exchangeable(*ck)) continue;
      auto add = [&](int bonds, double hz, const char* relation) {
        out.push_back({static_cast<int>(i), static_cast<int>(k), bonds, hz, relation});
      };
      if (ci == ck) {  // geminal
        if (ci->getAtomicNum() != 6) continue;
        if (ci->getHybridization() == Hyb::SP3) add(2, -12.5, "2J sp3 geminal");
        else if (ci->getHybridization() == Hyb::SP2) add(2, 1.5, "2J =CH2 geminal");
        continue;
      }
      if (ci->getAtomicNum() != 6 || ck->getAtomicNum() != 6) continue;
      if (const RDKit::Bond* bond = mol.getBondBetweenAtoms(ci->getIdx(), ck->getIdx())) {
        const Hyb a = ci->getHybridization(), b = ck->getHybridization();
        if (a == Hyb::SP3 && b == Hyb::SP3) {
          add(3, hla_fragment(mol, g, hi, *ci, *ck, hk), "3J HLA");
        } else if (bond->getIsAromatic()) {
          if (in_ring_of_size(mol, *ci, 5) && in_ring_of_size(mol, *ck, 5))
            add(3, 3.3, "3J aromatic, five-membered ring");
          else if (next_to_ring_nitrogen(mol, *ci) || next_to_ring_nitrogen(mol, *ck))
            add(3, 4.9, "3J aromatic ortho next to N");
          else
            add(3, 7.6, "3J aromatic ortho");
        } else if (bond->getBondType() == RDKit::Bond::DOUBLE) {
          const double phi = dihedral_degrees(g.atoms[i], g.atoms[ci->getIdx()],
                                              g.atoms[ck->getIdx()], g.atoms[k]);
          if (std::abs(phi) < 90) add(3, 10.5, "3J alkene cis");
          else add(3, 17.0, "3J alkene trans");
        } else if ((a == Hyb::SP3) != (b == Hyb::SP3)) {
          const RDKit::Atom& sp2 = a == Hyb::SP3 ? *ck : *ci;
          if (is_carbonyl_carbon(mol, sp2)) {
            add(3, 2.5, "3J H-C-CHO");
          } else {
            add(3, garbisch(dihedral_degrees(g.atoms[i], g.atoms[ci->getIdx()],
                                             g.atoms[ck->getIdx()], g.atoms[k])),
                "3J sp3-sp2 (Garbisch)");
          }
        }
        continue;
      }
      // 4J meta: two aromatic CH of one six-membered ring, one ring atom between.
      if (ci->getIsAromatic() && ck->getIsAromatic() && in_ring_of_size(mol, *ci, 6)) {
        for (const RDKit::Atom* m : mol.atomNeighbors(ci))
          if (m->getIsAromatic() && mol.getBondBetweenAtoms(m->getIdx(), ck->getIdx()) &&
              mol.getRingInfo()->numBondRings(
                  mol.getBondBetweenAtoms(m->getIdx(), ck->getIdx())->getIdx()) > 0) {
            add(4, 1.4, "4J aromatic meta");
            break;
          }
      }
    }
  }
  return out;
}

}  // namespace qmnmr::chem::spectrum
