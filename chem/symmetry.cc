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

// The hindered rotors of `mol` (see chem::hindered_rotors in symmetry.h).
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
      std::sort(rs.begin(), rs.end());
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
// rotor's nitrogen: the substituent trans to the O or S (in `geometry`) moves
// its atoms to a class of their own, one per original class, shared by every
// rotor, so that two equal amide groups pair cis with cis and trans with
// trans. Class ids are renumbered to the lowest atom index of each class.
void split_hindered_rotors(const RDKit::ROMol& mol, const Geometry& geometry,
                           std::vector<int>& classes) {
  int next = static_cast<int>(classes.size());  // fresh ids, renumbered below
  std::map<int, int> trans_class;               // original class -> its trans twin
  for (const auto& r : hindered_rotors(mol)) {
    const bool first_cis = cis_across(geometry, r.x, r.c, r.n, r.r1);
    const unsigned cis = first_cis ? r.r1 : r.r2, trans = first_cis ? r.r2 : r.r1;
    auto bc = branch(mol, cis, r.n), bt = branch(mol, trans, r.n);
    if (bc.count(r.c) || bt.count(r.c) || bc.count(trans)) continue;  // in a ring
    std::set<int> in_cis;
    for (unsigned a : bc) in_cis.insert(classes[a]);
    std::map<int, int> moved;  // this rotor's trans atoms: original -> new class
    for (unsigned a : bt)
      if (in_cis.count(classes[a]))
        moved[static_cast<int>(a)] = trans_class.emplace(classes[a], next++).first->second;
    for (auto [a, cls] : moved) classes[static_cast<size_t>(a)] = cls;
  }
  std::map<int, int> lowest;
  for (size_t i = 0; i < classes.size(); ++i) lowest.emplace(classes[i], static_cast<int>(i));
  for (auto& c : classes) c = lowest[c];
}

}  // namespace

std::vector<HinderedRotor> hindered_rotors(const Molecule& molecule) {
  if (!molecule.rdkit) throw ChemError("hindered rotors: the molecule has no RDKit structure");
  return hindered_rotors(*molecule.rdkit);
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
  split_hindered_rotors(mol, molecule.geometry, classes);
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
