// Symmetry classes from RDKit's canonical ranking with ties left unbroken, and
// NMR equivalence classes from the isotope substitution test on 3D stereo.
#include "chem/symmetry.h"

#include <GraphMol/Conformer.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/PeriodicTable.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>
#include <GraphMol/new_canon.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "chem/error.h"

namespace qmnmr::chem {
namespace {

// A copy of `mol` whose only conformer is `geometry`, mirrored through the xy
// plane when `mirror` is set.
RDKit::RWMol with_geometry(const RDKit::ROMol& mol, const Geometry& geometry, bool mirror) {
  RDKit::RWMol out(mol);
  out.clearConformers();
  auto* conf = new RDKit::Conformer(out.getNumAtoms());
  for (size_t i = 0; i < geometry.atoms.size(); ++i) {
    const auto& a = geometry.atoms[i];
    conf->setAtomPos(static_cast<unsigned>(i), RDGeom::Point3D(a.x, a.y, mirror ? -a.z : a.z));
  }
  conf->set3D(true);
  out.addConformer(conf, /*assignId=*/true);
  return out;
}

// An isotope of element `z` that no atom of `mol` carries: the most common
// isotope's mass number + 1, or the next free one (2H, 13C, 15N, 17O, ...).
unsigned label_isotope(const RDKit::ROMol& mol, int z) {
  std::set<unsigned> used;
  for (const auto* atom : mol.atoms())
    if (atom->getAtomicNum() == z) used.insert(atom->getIsotope());
  unsigned iso =
      static_cast<unsigned>(RDKit::PeriodicTable::getTable()->getMostCommonIsotope(z)) + 1;
  while (used.count(iso)) ++iso;
  return iso;
}

// Canonical isomeric SMILES (explicit hydrogens kept) of `mol` with atom
// `idx` labelled and stereo taken from its 3D conformer.
std::string labelled_smiles(const RDKit::RWMol& mol, unsigned idx, unsigned isotope) {
  RDKit::RWMol copy(mol);
  copy.getAtomWithIdx(idx)->setIsotope(isotope);
  RDKit::MolOps::assignStereochemistryFrom3D(copy, -1, /*replaceExistingTags=*/true);
  return RDKit::MolToSmiles(copy);
}

// The H atoms of a rotor: three or more terminal H on one atom (CH3, NH3+).
std::vector<std::vector<int>> rotor_hydrogens(const RDKit::ROMol& mol) {
  std::vector<std::vector<int>> out;
  for (const auto* atom : mol.atoms()) {
    std::vector<int> hs;
    for (const auto* nb : mol.atomNeighbors(atom))
      if (nb->getAtomicNum() == 1 && nb->getDegree() == 1)
        hs.push_back(static_cast<int>(nb->getIdx()));
    if (hs.size() >= 3 && atom->getDegree() == hs.size() + 1) out.push_back(hs);
  }
  return out;
}

std::vector<unsigned int> graph_ranks(const RDKit::ROMol& mol) {
  std::vector<unsigned int> ranks;
  RDKit::Canon::rankMolAtoms(mol, ranks, /*breakTies=*/false, /*includeChirality=*/false,
                             /*includeIsotopes=*/true);
  return ranks;
}

// True for a terminal atom or a group whose other neighbours are all terminal
// (CH3, NH3+, CF3): its coordinates can be swapped with an equivalent one.
bool swappable(const RDKit::ROMol& mol, const RDKit::Atom* atom, const RDKit::Atom* centre) {
  for (const auto* nb : mol.atomNeighbors(atom))
    if (nb != centre && nb->getDegree() != 1) return false;
  return true;
}

// Atoms of a swappable group: the atom, then its terminal neighbours by index.
std::vector<unsigned> group_atoms(const RDKit::ROMol& mol, const RDKit::Atom* atom,
                                  const RDKit::Atom* centre) {
  std::vector<unsigned> out{atom->getIdx()};
  std::vector<unsigned> rest;
  for (const auto* nb : mol.atomNeighbors(atom))
    if (nb != centre) rest.push_back(nb->getIdx());
  std::sort(rest.begin(), rest.end());
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

// Sign of the volume spanned by a, b, c seen from x.
int handedness(const Geometry& g, unsigned x, unsigned a, unsigned b, unsigned c) {
  auto d = [&](unsigned i, int k) {
    const auto& p = g.atoms[i];
    const auto& o = g.atoms[x];
    return k == 0 ? p.x - o.x : (k == 1 ? p.y - o.y : p.z - o.z);
  };
  double ax = d(a, 0), ay = d(a, 1), az = d(a, 2), bx = d(b, 0), by = d(b, 1), bz = d(b, 2);
  double v =
      (ay * bz - az * by) * d(c, 0) + (az * bx - ax * bz) * d(c, 1) + (ax * by - ay * bx) * d(c, 2);
  return v > 0 ? 1 : (v < 0 ? -1 : 0);
}

// A bond that does not rotate on the NMR time scale at room temperature, so
// that the two substituents r1, r2 of its nitrogen n are distinct (the two
// N-methyls of DMF and DMAc: 2.88 / 2.96 ppm): an amide or thioamide
// X=C(-n) whose carbon bears C or H (not a urea or carbamate, which rotate
// faster), or an N-nitroso X=N-n. `x` is the doubly bonded O or S, `c` its
// partner.
struct HinderedRotor {
  unsigned x, c, n, r1, r2;
};

std::vector<HinderedRotor> hindered_rotors(const RDKit::ROMol& mol) {
  std::vector<HinderedRotor> out;
  for (const auto* n : mol.atoms()) {
    if (n->getAtomicNum() != 7 || n->getDegree() != 3 || n->getIsAromatic() ||
        n->getFormalCharge() != 0)
      continue;
    for (const auto* bond : mol.atomBonds(n)) {
      if (bond->getBondType() != RDKit::Bond::SINGLE || mol.getRingInfo()->numBondRings(bond->getIdx()))
        continue;
      const auto* c = bond->getOtherAtom(n);
      const RDKit::Atom* x = nullptr;
      bool other_ok = true;
      for (const auto* cb : mol.atomBonds(c)) {
        const auto* o = cb->getOtherAtom(c);
        if (o == n) continue;
        if (cb->getBondType() == RDKit::Bond::DOUBLE &&
            (o->getAtomicNum() == 8 || (o->getAtomicNum() == 16 && c->getAtomicNum() == 6)))
          x = o;
        else if (o->getAtomicNum() != 6 && o->getAtomicNum() != 1)
          other_ok = false;  // urea, carbamate
      }
      if (!x || !other_ok || (c->getAtomicNum() != 6 && c->getAtomicNum() != 7)) continue;
      if (c->getAtomicNum() == 7 && c->getDegree() != 2) continue;  // N-nitroso only
      std::vector<unsigned> rs;
      for (const auto* r : mol.atomNeighbors(n))
        if (r != c) rs.push_back(r->getIdx());
      out.push_back({x->getIdx(), c->getIdx(), n->getIdx(), rs[0], rs[1]});
    }
  }
  return out;
}

// The atoms reachable from `start` without passing through `blocked`.
std::set<unsigned> branch(const RDKit::ROMol& mol, unsigned start, unsigned blocked) {
  std::set<unsigned> seen{start};
  std::vector<unsigned> todo{start};
  while (!todo.empty()) {
    unsigned a = todo.back();
    todo.pop_back();
    for (const auto* nb : mol.atomNeighbors(mol.getAtomWithIdx(a))) {
      unsigned b = nb->getIdx();
      if (b != blocked && seen.insert(b).second) todo.push_back(b);
    }
  }
  return seen;
}

// True when r (on n) sits on the same side of the c-n bond as x (on c).
bool cis_across(const Geometry& g, unsigned x, unsigned c, unsigned n, unsigned r) {
  auto vec = [&](unsigned from, unsigned to) {
    const auto &a = g.atoms[from], &b = g.atoms[to];
    return std::array<double, 3>{b.x - a.x, b.y - a.y, b.z - a.z};
  };
  auto dot = [](const std::array<double, 3>& a, const std::array<double, 3>& b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  };
  auto axis = vec(c, n), u = vec(c, x), w = vec(n, r);
  const double len2 = dot(axis, axis);
  const double ku = dot(u, axis) / len2, kw = dot(w, axis) / len2;
  std::array<double, 3> up{u[0] - ku * axis[0], u[1] - ku * axis[1], u[2] - ku * axis[2]};
  std::array<double, 3> wp{w[0] - kw * axis[0], w[1] - kw * axis[1], w[2] - kw * axis[2]};
  return dot(up, wp) > 0;
}

// Splits the classes that hold atoms of both substituents of a hindered
// rotor's nitrogen: each substituent keeps its own atoms apart from the
// other's. Class ids are renumbered to the lowest atom index of each class.
void split_hindered_rotors(const RDKit::ROMol& mol, std::vector<int>& classes) {
  int next = static_cast<int>(classes.size());  // fresh ids, renumbered below
  for (const auto& r : hindered_rotors(mol)) {
    auto b1 = branch(mol, r.r1, r.n), b2 = branch(mol, r.r2, r.n);
    if (b1.count(r.c) || b2.count(r.c) || b1.count(r.r2)) continue;  // in a ring
    std::set<int> in_b1;
    for (unsigned a : b1) in_b1.insert(classes[a]);
    std::map<int, int> fresh;
    for (unsigned a : b2)
      if (in_b1.count(classes[a])) classes[a] = fresh.emplace(classes[a], next++).first->second;
  }
  std::map<int, int> lowest;
  for (size_t i = 0; i < classes.size(); ++i) lowest.emplace(classes[i], static_cast<int>(i));
  for (auto& c : classes) c = lowest[c];
}

}  // namespace

Geometry align_equivalent_atoms(const Molecule& molecule, const Geometry& conformer) {
  if (!molecule.rdkit) throw ChemError("align atoms: the molecule has no RDKit structure");
  check_geometry_matches(molecule, conformer);
  const RDKit::ROMol& mol = *molecule.rdkit;
  auto ranks = graph_ranks(mol);
  Geometry out = conformer;
  for (const auto* x : mol.atoms()) {
    if (x->getDegree() != 4) continue;
    std::map<unsigned, std::vector<const RDKit::Atom*>> by_rank;
    for (const auto* nb : mol.atomNeighbors(x)) by_rank[ranks[nb->getIdx()]].push_back(nb);
    // Exactly one pair, the other two neighbours distinct: a CH2-like centre.
    if (by_rank.size() != 3) continue;
    const RDKit::Atom *a = nullptr, *b = nullptr, *c = nullptr;
    for (const auto& [rank, atoms] : by_rank) {
      if (atoms.size() == 2) {
        a = atoms[0];
        b = atoms[1];
      } else if (!c || atoms[0]->getIdx() < c->getIdx()) {
        c = atoms[0];
      }
    }
    if (!a || !swappable(mol, a, x) || !swappable(mol, b, x)) continue;
    unsigned xi = x->getIdx();
    if (handedness(molecule.geometry, xi, a->getIdx(), b->getIdx(), c->getIdx()) ==
        handedness(out, xi, a->getIdx(), b->getIdx(), c->getIdx()))
      continue;
    auto ga = group_atoms(mol, a, x), gb = group_atoms(mol, b, x);
    for (size_t k = 0; k < ga.size() && k < gb.size(); ++k)
      std::swap(out.atoms[ga[k]], out.atoms[gb[k]]);
  }
  // The two equal substituents on an amide-like nitrogen (the N-methyls of
  // DMF): the one cis to the O in the molecule's geometry is that one in
  // every conformer.
  for (const auto& r : hindered_rotors(mol)) {
    const auto* a = mol.getAtomWithIdx(r.r1);
    const auto* b = mol.getAtomWithIdx(r.r2);
    const auto* n = mol.getAtomWithIdx(r.n);
    if (ranks[r.r1] != ranks[r.r2] || !swappable(mol, a, n) || !swappable(mol, b, n)) continue;
    if (cis_across(molecule.geometry, r.x, r.c, r.n, r.r1) == cis_across(out, r.x, r.c, r.n, r.r1))
      continue;
    auto ga = group_atoms(mol, a, n), gb = group_atoms(mol, b, n);
    for (size_t k = 0; k < ga.size() && k < gb.size(); ++k)
      std::swap(out.atoms[ga[k]], out.atoms[gb[k]]);
  }
  return out;
}

std::vector<int> symmetry_classes(const Molecule& molecule) {
  if (!molecule.rdkit) throw ChemError("symmetry_classes: the molecule has no RDKit structure");
  std::vector<unsigned int> ranks;
  RDKit::Canon::rankMolAtoms(*molecule.rdkit, ranks, /*breakTies=*/false,
                             /*includeChirality=*/true, /*includeIsotopes=*/true);
  return std::vector<int>(ranks.begin(), ranks.end());
}

std::vector<int> nmr_equivalence_classes(const Molecule& molecule) {
  if (!molecule.rdkit)
    throw ChemError("nmr_equivalence_classes: the molecule has no RDKit structure");
  check_geometry_matches(molecule, molecule.geometry);
  const RDKit::ROMol& mol = *molecule.rdkit;
  // Graph classes without chirality: enantiotopic atoms (the two CHF of
  // meso-2,3-difluorobutane) differ in chirality but must be compared.
  auto ranks = graph_ranks(mol);
  std::vector<int> classes(ranks.size());
  for (size_t i = 0; i < classes.size(); ++i) classes[i] = static_cast<int>(i);

  RDKit::RWMol real = with_geometry(mol, molecule.geometry, false);
  RDKit::RWMol mirror = with_geometry(mol, molecule.geometry, true);
  std::map<int, unsigned> isotope_of;  // atomic number -> label
  for (const auto& group : symmetry_groups(std::vector<int>(ranks.begin(), ranks.end()))) {
    if (group.size() < 2) continue;
    // Two atoms are equivalent when their labelled molecules are the same or
    // mirror images: then their {molecule, mirror image} pairs are equal.
    std::map<std::pair<std::string, std::string>, int> first_of;
    for (int a : group) {
      unsigned idx = static_cast<unsigned>(a);
      int z = mol.getAtomWithIdx(idx)->getAtomicNum();
      auto it = isotope_of.find(z);
      if (it == isotope_of.end()) it = isotope_of.emplace(z, label_isotope(mol, z)).first;
      std::string s = labelled_smiles(real, idx, it->second);
      std::string m = labelled_smiles(mirror, idx, it->second);
      auto [slot, inserted] = first_of.emplace(std::minmax(s, m), a);
      classes[a] = slot->second;
    }
  }
  for (const auto& hs : rotor_hydrogens(mol)) {
    std::set<int> ids;
    for (int h : hs) ids.insert(classes[h]);
    int low = *ids.begin();
    for (auto& c : classes)
      if (ids.count(c)) c = low;
  }
  split_hindered_rotors(mol, classes);
  return classes;
}

std::vector<std::vector<int>> symmetry_groups(const std::vector<int>& classes) {
  std::vector<std::vector<int>> groups;
  std::map<int, size_t> slot;
  for (size_t i = 0; i < classes.size(); ++i) {
    auto [it, inserted] = slot.emplace(classes[i], groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(static_cast<int>(i));
  }
  return groups;
}

}  // namespace qmnmr::chem
