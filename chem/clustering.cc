// Symmetry-aware RMSD (heavy-atom automorphisms from a self substructure
// match, hydrogens by assignment after alignment), duplicate removal and
// Butina selection of conformers.
#include "chem/clustering.h"

#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/Substruct/SubstructMatch.h>
#include <Geometry/Transform3D.h>
#include <Numerics/Alignment/AlignPoints.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include "chem/error.h"
#include "chem/symmetry.h"

namespace qmnmr::chem {
namespace {

constexpr unsigned kMaxHeavyPermutations = 2000;
constexpr int kAssignmentRounds = 4;

RDGeom::Point3D point(const Atom& a) { return RDGeom::Point3D(a.x, a.y, a.z); }

double squared(const RDGeom::Point3D& p, const RDGeom::Point3D& q) {
  return (p - q).lengthSq();
}

// Best assignment of `probe` atoms to `ref` atoms (same size) by squared
// distance: exhaustive for small groups, greedy beyond.
std::vector<int> assign(const std::vector<int>& ref, std::vector<int> probe,
                        const std::vector<RDGeom::Point3D>& rpos,
                        const std::vector<RDGeom::Point3D>& ppos) {
  auto cost = [&](const std::vector<int>& p) {
    double c = 0;
    for (size_t i = 0; i < ref.size(); ++i) c += squared(rpos[ref[i]], ppos[p[i]]);
    return c;
  };
  if (ref.size() <= 5) {
    std::sort(probe.begin(), probe.end());
    std::vector<int> best = probe;
    double best_cost = cost(probe);
    while (std::next_permutation(probe.begin(), probe.end())) {
      double c = cost(probe);
      if (c < best_cost - 1e-12) best_cost = c, best = probe;
    }
    return best;
  }
  std::vector<int> out(ref.size(), -1);
  std::vector<bool> used(probe.size(), false);
  for (size_t i = 0; i < ref.size(); ++i) {
    size_t pick = 0;
    double best = std::numeric_limits<double>::max();
    for (size_t j = 0; j < probe.size(); ++j)
      if (!used[j] && squared(rpos[ref[i]], ppos[probe[j]]) < best)
        best = squared(rpos[ref[i]], ppos[probe[j]]), pick = j;
    used[pick] = true;
    out[i] = probe[pick];
  }
  return out;
}

// Aligns probe onto ref under `map` (ref atom i <-> probe atom map[i]);
// returns the sum of squared deviations and the transformed probe positions.
double align(const std::vector<RDGeom::Point3D>& rpos, const std::vector<RDGeom::Point3D>& ppos,
             const std::vector<int>& map, std::vector<RDGeom::Point3D>* moved) {
  RDGeom::Point3DConstPtrVect r, p;
  for (size_t i = 0; i < map.size(); ++i) {
    r.push_back(&rpos[i]);
    p.push_back(&ppos[map[i]]);
  }
  RDGeom::Transform3D t;
  double ssr = RDNumeric::Alignments::AlignPoints(r, p, t);
  if (moved) {
    *moved = ppos;
    for (auto& q : *moved) t.TransformPoint(q);
  }
  return ssr;
}

void check_inputs(const Molecule& molecule, const std::vector<Geometry>& geometries,
                  const std::vector<double>& energies) {
  if (geometries.size() != energies.size())
    throw ChemError("got " + std::to_string(geometries.size()) + " geometries but " +
                    std::to_string(energies.size()) + " energies; give one energy per geometry");
  for (const auto& g : geometries) check_geometry_matches(molecule, g);
}

std::vector<size_t> by_energy(const std::vector<double>& energies) {
  std::vector<size_t> order(energies.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t x, size_t y) { return energies[x] < energies[y]; });
  return order;
}

}  // namespace

RmsdCalculator::RmsdCalculator(const Molecule& molecule) : molecule_(molecule) {
  if (!molecule.rdkit) throw ChemError("rmsd: the molecule has no RDKit structure");
  const auto& mol = *molecule.rdkit;
  auto classes = symmetry_classes(molecule);
  std::vector<int> slot_of(mol.getNumAtoms(), -1);
  for (const auto* atom : mol.atoms())
    if (atom->getAtomicNum() > 1) {
      slot_of[atom->getIdx()] = static_cast<int>(heavy_.size());
      heavy_.push_back(static_cast<int>(atom->getIdx()));
    }

  // Heavy-atom skeleton matched onto itself gives its automorphisms; keep those
  // that preserve the full molecule's symmetry classes.
  if (heavy_.empty()) {
    heavy_perms_.push_back({});
  } else {
    RDKit::RWMol skeleton;
    for (int idx : heavy_) {
      const auto* src = mol.getAtomWithIdx(idx);
      auto* a = new RDKit::Atom(src->getAtomicNum());
      a->setFormalCharge(src->getFormalCharge());
      a->setIsAromatic(src->getIsAromatic());
      a->setNoImplicit(true);
      skeleton.addAtom(a, false, true);
    }
    for (const auto* bond : mol.bonds()) {
      int s = slot_of[bond->getBeginAtomIdx()], e = slot_of[bond->getEndAtomIdx()];
      if (s < 0 || e < 0) continue;
      skeleton.addBond(static_cast<unsigned>(s), static_cast<unsigned>(e), bond->getBondType());
      skeleton.getBondBetweenAtoms(s, e)->setIsAromatic(bond->getIsAromatic());
    }
    skeleton.updatePropertyCache(false);
    RDKit::MolOps::fastFindRings(skeleton);
    RDKit::SubstructMatchParameters params;
    params.uniquify = false;
    params.maxMatches = kMaxHeavyPermutations;
    for (const auto& match : RDKit::SubstructMatch(skeleton, skeleton, params)) {
      std::vector<int> perm(heavy_.size(), -1);
      bool ok = true;
      for (const auto& [q, m] : match) {
        perm[q] = heavy_[m];
        if (classes[heavy_[q]] != classes[heavy_[m]]) ok = false;
      }
      if (ok) heavy_perms_.push_back(std::move(perm));
    }
    if (heavy_perms_.empty()) heavy_perms_.push_back(heavy_);  // identity, always valid
  }

  // Hydrogen groups: same heavy neighbour and same class.
  std::map<std::pair<int, int>, size_t> group_of;
  for (const auto* atom : mol.atoms()) {
    if (atom->getAtomicNum() > 1) continue;
    int slot = -1;
    for (const auto* nb : mol.atomNeighbors(atom))
      if (nb->getAtomicNum() > 1) {
        slot = slot_of[nb->getIdx()];
        break;
      }
    auto key = std::make_pair(slot, classes[atom->getIdx()]);
    auto [it, inserted] = group_of.emplace(key, hgroups_.size());
    if (inserted) hgroups_.push_back({slot, classes[atom->getIdx()], {}});
    hgroups_[it->second].atoms.push_back(static_cast<int>(atom->getIdx()));
  }
  // Under a heavy permutation, a group maps onto the group of the image atom
  // with the same class (hydrogens bonded to no heavy atom map onto themselves).
  for (const auto& perm : heavy_perms_) {
    std::vector<size_t> partner(hgroups_.size());
    for (size_t g = 0; g < hgroups_.size(); ++g) {
      partner[g] = g;
      const auto& grp = hgroups_[g];
      if (grp.heavy_slot < 0) continue;
      auto it = group_of.find({slot_of[perm[grp.heavy_slot]], grp.cls});
      if (it != group_of.end() && hgroups_[it->second].atoms.size() == grp.atoms.size())
        partner[g] = it->second;
    }
    partners_.push_back(std::move(partner));
  }
}

double RmsdCalculator::operator()(const Geometry& a, const Geometry& b) const {
  check_geometry_matches(molecule_, a);
  check_geometry_matches(molecule_, b);
  const size_t n = a.atoms.size();
  std::vector<RDGeom::Point3D> rpos(n), ppos(n);
  for (size_t i = 0; i < n; ++i) rpos[i] = point(a.atoms[i]), ppos[i] = point(b.atoms[i]);

  double best = std::numeric_limits<double>::max();
  std::vector<RDGeom::Point3D> moved;
  for (size_t p = 0; p < heavy_perms_.size(); ++p) {
    const auto& perm = heavy_perms_[p];
    const auto& partner = partners_[p];
    std::vector<int> map(n, -1);
    for (size_t k = 0; k < heavy_.size(); ++k) map[heavy_[k]] = perm[k];
    // Hydrogens start mapped in order onto the partner group.
    for (size_t g = 0; g < hgroups_.size(); ++g)
      for (size_t i = 0; i < hgroups_[g].atoms.size(); ++i)
        map[hgroups_[g].atoms[i]] = hgroups_[partner[g]].atoms[i];
    double ssr = 0;
    for (int round = 0; round < kAssignmentRounds; ++round) {
      ssr = align(rpos, ppos, map, &moved);
      bool changed = false;
      for (size_t g = 0; g < hgroups_.size(); ++g) {
        const auto& grp = hgroups_[g];
        if (grp.atoms.size() < 2) continue;
        auto best_assign = assign(grp.atoms, hgroups_[partner[g]].atoms, rpos, moved);
        for (size_t i = 0; i < grp.atoms.size(); ++i)
          if (map[grp.atoms[i]] != best_assign[i]) {
            map[grp.atoms[i]] = best_assign[i];
            changed = true;
          }
      }
      if (!changed) break;
      if (round + 1 == kAssignmentRounds) ssr = align(rpos, ppos, map, nullptr);
    }
    best = std::min(best, std::sqrt(ssr / static_cast<double>(n)));
    if (best < 1e-8) break;
  }
  return best;
}

double best_rmsd(const Molecule& molecule, const Geometry& a, const Geometry& b) {
  return RmsdCalculator(molecule)(a, b);
}

std::vector<size_t> duplicate_of(const Molecule& molecule, const std::vector<Geometry>& geometries,
                                 const std::vector<double>& energies_kcal, double rmsd_threshold,
                                 double energy_threshold_kcal) {
  check_inputs(molecule, geometries, energies_kcal);
  std::vector<size_t> onto(geometries.size());
  if (geometries.empty()) return onto;
  RmsdCalculator rmsd(molecule);
  std::vector<size_t> kept;
  for (size_t i : by_energy(energies_kcal)) {
    onto[i] = i;
    for (size_t k : kept) {
      if (std::abs(energies_kcal[i] - energies_kcal[k]) >= energy_threshold_kcal) continue;
      if (rmsd(geometries[k], geometries[i]) < rmsd_threshold) {
        onto[i] = k;
        break;
      }
    }
    if (onto[i] == i) kept.push_back(i);
  }
  return onto;
}

std::vector<size_t> deduplicate(const Molecule& molecule, const std::vector<Geometry>& geometries,
                                const std::vector<double>& energies_kcal, double rmsd_threshold,
                                double energy_threshold_kcal) {
  auto onto = duplicate_of(molecule, geometries, energies_kcal, rmsd_threshold,
                           energy_threshold_kcal);
  std::vector<size_t> kept;
  for (size_t i : by_energy(energies_kcal))
    if (onto[i] == i) kept.push_back(i);
  return kept;
}

Geometry mirror_image(const Geometry& g) {
  Geometry out = g;
  for (auto& a : out.atoms) a.x = -a.x;
  return out;
}

bool has_stereo_labels(const Molecule& molecule) {
  for (const auto* atom : molecule.rdkit->atoms())
    if (atom->getChiralTag() == RDKit::Atom::CHI_TETRAHEDRAL_CW ||
        atom->getChiralTag() == RDKit::Atom::CHI_TETRAHEDRAL_CCW)
      return true;
  for (const auto* bond : molecule.rdkit->bonds())
    if (bond->getStereo() > RDKit::Bond::STEREOANY) return true;
  return false;
}

std::vector<std::pair<size_t, size_t>> mirror_image_pairs(
    const Molecule& molecule, const std::vector<Geometry>& geometries,
    const std::vector<double>& energies_kcal, double rmsd_threshold,
    double energy_threshold_kcal) {
  check_inputs(molecule, geometries, energies_kcal);
  if (geometries.size() < 2 || has_stereo_labels(molecule)) return {};
  RmsdCalculator rmsd(molecule);
  std::vector<std::pair<size_t, size_t>> pairs;
  std::vector<bool> taken(geometries.size(), false);
  const auto order = by_energy(energies_kcal);
  for (size_t a = 0; a < order.size(); ++a) {
    const size_t i = order[a];
    if (taken[i]) continue;
    const Geometry mirrored = mirror_image(geometries[i]);
    for (size_t b = a + 1; b < order.size(); ++b) {
      const size_t j = order[b];
      if (taken[j] || std::abs(energies_kcal[i] - energies_kcal[j]) >= energy_threshold_kcal)
        continue;
      if (rmsd(geometries[j], mirrored) < rmsd_threshold) {
        pairs.emplace_back(i, j);
        taken[i] = taken[j] = true;
        break;
      }
    }
  }
  return pairs;
}

std::vector<size_t> butina_select(const Molecule& molecule,
                                  const std::vector<Geometry>& geometries,
                                  const std::vector<double>& energies_kcal,
                                  double threshold_angstrom, size_t max_count) {
  check_inputs(molecule, geometries, energies_kcal);
  const size_t n = geometries.size();
  if (n == 0 || max_count == 0) return {};
  RmsdCalculator rmsd(molecule);
  std::vector<std::vector<size_t>> neighbours(n);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j)
      if (rmsd(geometries[i], geometries[j]) <= threshold_angstrom) {
        neighbours[i].push_back(j);
        neighbours[j].push_back(i);
      }
  // Centroids in order of neighbour count (ties: lower energy, then index).
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    if (neighbours[x].size() != neighbours[y].size())
      return neighbours[x].size() > neighbours[y].size();
    return energies_kcal[x] < energies_kcal[y];
  });
  std::vector<bool> assigned(n, false);
  std::vector<std::vector<size_t>> clusters;
  for (size_t c : order) {
    if (assigned[c]) continue;
    std::vector<size_t> cluster{c};
    assigned[c] = true;
    for (size_t j : neighbours[c])
      if (!assigned[j]) assigned[j] = true, cluster.push_back(j);
    clusters.push_back(std::move(cluster));
  }
  std::stable_sort(clusters.begin(), clusters.end(),
                   [](const auto& x, const auto& y) { return x.size() > y.size(); });
  std::vector<size_t> picked;
  for (const auto& cluster : clusters) {
    if (picked.size() == max_count) break;
    picked.push_back(*std::min_element(cluster.begin(), cluster.end(), [&](size_t x, size_t y) {
      return energies_kcal[x] < energies_kcal[y] || (energies_kcal[x] == energies_kcal[y] && x < y);
    }));
  }
  std::stable_sort(picked.begin(), picked.end(),
                   [&](size_t x, size_t y) { return energies_kcal[x] < energies_kcal[y]; });
  return picked;
}

}  // namespace qmnmr::chem
