// ReferenceLabelling: the automorphism search over the skeleton, pruned by the
// reference's local parities, and the placement of each centre's hydrogens.
#include "chem/reference_labelling.h"

#include <GraphMol/GraphMol.h>
#include <GraphMol/new_canon.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>

#include "chem/error.h"
#include "chem/symmetry.h"

namespace qmnmr::chem {
namespace {

// Below this (a unit-vector triple product, or the cosine of a dihedral) the
// reference parity is too flat to say anything.
constexpr double kFlatParity = 0.05;

using Vec = std::array<double, 3>;

Vec minus(const Atom& a, const Atom& b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
double dot(const Vec& a, const Vec& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
Vec cross(const Vec& a, const Vec& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
Vec unit(Vec v) {
  double n = std::sqrt(dot(v, v));
  if (n > 0)
    for (auto& x : v) x /= n;
  return v;
}

enum class Kind { tetrahedral, planar };
enum class Role { configuration, rotamer, cosmetic };

// One local parity of the reference. Tetrahedral: atoms = centre and three
// neighbours; planar: atoms = substituent of end a, end a, end b, substituent of end b.
struct Parity {
  Kind kind;
  std::array<int, 4> atoms;
  Role role;
  int sign = 0;     // the reference's
  int owner = -1;   // the atom whose hydrogens' placement decides it; -1: the skeleton does
  size_t decided_at = 0;  // search depth at which every atom it needs is placed
};

// The signed value of a parity for atom positions `at(i)` (label i's position).
template <typename At>
double parity_value(const Parity& p, At at) {
  if (p.kind == Kind::tetrahedral) {
    const Atom& c = at(p.atoms[0]);
    Vec a = unit(minus(at(p.atoms[1]), c)), b = unit(minus(at(p.atoms[2]), c)),
        d = unit(minus(at(p.atoms[3]), c));
    return dot(cross(a, b), d);
  }
  const Atom &sa = at(p.atoms[0]), &a = at(p.atoms[1]), &b = at(p.atoms[2]), &sb = at(p.atoms[3]);
  Vec axis = unit(minus(b, a)), u = minus(sa, a), w = minus(sb, b);
  const double ku = dot(u, axis), kw = dot(w, axis);
  for (int k = 0; k < 3; ++k) u[k] -= ku * axis[k], w[k] -= kw * axis[k];
  return dot(unit(u), unit(w));
}

int sign_of(double v) { return v > 0 ? 1 : (v < 0 ? -1 : 0); }

}  // namespace

struct ReferenceLabelling::Impl {
  size_t n = 0;
  std::vector<unsigned> rank;
  std::vector<int> parent;                // terminal H -> its atom; -1 for skeleton atoms
  std::vector<std::vector<int>> hs;       // skeleton atom -> its terminal H, ascending
  std::vector<std::vector<std::pair<int, int>>> adj;  // skeleton neighbours with a bond code
  std::vector<int> order;                 // search order of the skeleton (BFS)
  std::vector<int> anchor;                // per depth: an earlier-placed neighbour, or -1
  std::vector<Parity> parities;
  std::vector<std::vector<size_t>> decided;  // depth -> skeleton-decided parities
  std::vector<std::vector<size_t>> owned;    // atom -> parities its hydrogens decide

  explicit Impl(const Molecule& molecule);

  struct Search {
    const Geometry* conf;
    std::vector<int> map;   // skeleton atom -> conformer atom, -1 unplaced
    std::vector<char> used;
    long nodes = 0;
    bool capped = false, perfect = false;
    int best_config = std::numeric_limits<int>::max(), best_rotamer = 0;
    std::vector<int> best;  // full permutation
  };

  // Label i's position in the conformer under `sigma` (full permutation).
  static const Atom& at(const Geometry& g, const std::vector<int>& sigma, int i) {
    return g.atoms[static_cast<size_t>(sigma[static_cast<size_t>(i)])];
  }
  void place_hydrogens(const std::vector<int>& map, int x, bool swap_last,
                       std::vector<int>& sigma) const {
    const auto& mine = hs[static_cast<size_t>(x)];
    const auto& theirs = hs[static_cast<size_t>(map[static_cast<size_t>(x)])];
    for (size_t k = 0; k < mine.size(); ++k) sigma[static_cast<size_t>(mine[k])] = theirs[k];
    if (swap_last && mine.size() >= 2)
      std::swap(sigma[static_cast<size_t>(mine[mine.size() - 1])],
                sigma[static_cast<size_t>(mine[mine.size() - 2])]);
  }
  // The full permutation from a complete skeleton map: each centre's
  // hydrogens placed so that the parities they decide agree, in atom order.
  std::vector<int> complete(const Geometry& conf, const std::vector<int>& map) const;
  // Mismatches (configuration, rotamer) of a full permutation.
  std::pair<int, int> mismatches(const Geometry& conf, const std::vector<int>& sigma) const;
  void dfs(Search& s, size_t depth, int config, int rotamer) const;
};

ReferenceLabelling::Impl::Impl(const Molecule& molecule) {
  if (!molecule.rdkit) throw ChemError("labelling: the molecule has no RDKit structure");
  check_geometry_matches(molecule, molecule.geometry);
  const RDKit::ROMol& mol = *molecule.rdkit;
  n = mol.getNumAtoms();
  std::vector<unsigned int> ranks;
  RDKit::Canon::rankMolAtoms(mol, ranks, /*breakTies=*/false, /*includeChirality=*/false,
                             /*includeIsotopes=*/true);
  rank.assign(ranks.begin(), ranks.end());
  parent.assign(n, -1);
  hs.assign(n, {});
  adj.assign(n, {});
  for (const auto* atom : mol.atoms()) {
    if (atom->getAtomicNum() != 1 || atom->getDegree() != 1) continue;
    const auto* nb = *mol.atomNeighbors(atom).begin();
    if (nb->getAtomicNum() == 1) continue;  // H2: both skeleton
    parent[atom->getIdx()] = static_cast<int>(nb->getIdx());
    hs[nb->getIdx()].push_back(static_cast<int>(atom->getIdx()));
  }
  for (auto& h : hs) std::sort(h.begin(), h.end());
  for (const auto* bond : mol.bonds()) {
    int a = static_cast<int>(bond->getBeginAtomIdx()), b = static_cast<int>(bond->getEndAtomIdx());
    if (parent[static_cast<size_t>(a)] >= 0 || parent[static_cast<size_t>(b)] >= 0) continue;
    int code = static_cast<int>(bond->getBondType()) * 2 + (bond->getIsAromatic() ? 1 : 0);
    adj[static_cast<size_t>(a)].emplace_back(b, code);
    adj[static_cast<size_t>(b)].emplace_back(a, code);
  }
  // Breadth-first over each connected part of the skeleton.
  std::vector<char> seen(n, 0);
  for (size_t root = 0; root < n; ++root) {
    if (parent[root] >= 0 || seen[root]) continue;
    seen[root] = 1;
    order.push_back(static_cast<int>(root));
    anchor.push_back(-1);
    for (size_t q = order.size() - 1; q < order.size(); ++q)
      for (auto [b, code] : adj[static_cast<size_t>(order[q])])
        if (!seen[static_cast<size_t>(b)]) {
          seen[static_cast<size_t>(b)] = 1;
          order.push_back(b);
          anchor.push_back(order[q]);
        }
  }

  auto free_pair = [&](unsigned x) { return hs[x].size() >= 2; };
  // 4-coordinate centres.
  for (const auto* atom : mol.atoms()) {
    const unsigned x = atom->getIdx();
    if (parent[x] >= 0 || atom->getDegree() != 4) continue;
    std::vector<int> nbs;
    for (const auto* nb : mol.atomNeighbors(atom)) nbs.push_back(static_cast<int>(nb->getIdx()));
    std::sort(nbs.begin(), nbs.end());
    Parity p{Kind::tetrahedral, {static_cast<int>(x), nbs[0], nbs[1], nbs[2]},
             hs[x].size() >= 3 ? Role::cosmetic : Role::configuration};
    if (free_pair(x)) p.owner = static_cast<int>(x);
    parities.push_back(p);
  }
  // Pyramidal centres that do not invert at room temperature: sulfoxides,
  // sulfonium ions, phosphines (amines do, and are left out).
  for (const auto* atom : mol.atoms()) {
    const unsigned x = atom->getIdx();
    if (atom->getDegree() != 3 || atom->getIsAromatic() ||
        (atom->getAtomicNum() != 15 && atom->getAtomicNum() != 16))
      continue;
    std::vector<int> nbs;
    for (const auto* nb : mol.atomNeighbors(atom)) nbs.push_back(static_cast<int>(nb->getIdx()));
    std::sort(nbs.begin(), nbs.end());
    Parity p{Kind::tetrahedral, {static_cast<int>(x), nbs[0], nbs[1], nbs[2]}, Role::configuration};
    if (free_pair(x)) p.owner = static_cast<int>(x);
    parities.push_back(p);
  }
  // Double bonds with a substituent on each end.
  auto lowest_other = [&](const RDKit::Atom* a, const RDKit::Atom* not_this) {
    int best = -1;
    for (const auto* nb : mol.atomNeighbors(a))
      if (nb != not_this && (best < 0 || static_cast<int>(nb->getIdx()) < best))
        best = static_cast<int>(nb->getIdx());
    return best;
  };
  auto one_double = [&](const RDKit::Atom* a) {
    int multiple = 0;
    for (const auto* b : mol.atomBonds(a))
      if (b->getBondType() == RDKit::Bond::DOUBLE || b->getBondType() == RDKit::Bond::TRIPLE)
        ++multiple;
    return multiple == 1;
  };
  for (const auto* bond : mol.bonds()) {
    if (bond->getBondType() != RDKit::Bond::DOUBLE || bond->getIsAromatic()) continue;
    const auto *a = bond->getBeginAtom(), *b = bond->getEndAtom();
    auto cn = [](const RDKit::Atom* x) { return x->getAtomicNum() == 6 || x->getAtomicNum() == 7; };
    if (!cn(a) || !cn(b) || a->getDegree() < 2 || b->getDegree() < 2 || a->getDegree() > 3 ||
        b->getDegree() > 3 || !one_double(a) || !one_double(b))
      continue;
    Parity p{Kind::planar, {lowest_other(a, b), static_cast<int>(a->getIdx()),
                            static_cast<int>(b->getIdx()), lowest_other(b, a)},
             Role::configuration};
    // A =CH2 end decides it by its hydrogens (the later end, when both are).
    for (const auto* end : {a, b})
      if (free_pair(end->getIdx())) p.owner = std::max(p.owner, static_cast<int>(end->getIdx()));
    parities.push_back(p);
  }
  // Amide-like rotors.
  for (const auto& r : hindered_rotors(molecule)) {
    Parity p{Kind::planar, {static_cast<int>(r.x), static_cast<int>(r.c), static_cast<int>(r.n),
                            static_cast<int>(r.r1)},
             Role::rotamer};
    if (parent[r.r1] >= 0 && parent[r.r2] >= 0) p.owner = static_cast<int>(r.n);  // NH2
    parities.push_back(p);
  }

  // Reference signs; flat ones dropped. Then when each is decided.
  std::vector<int> identity(n);
  for (size_t i = 0; i < n; ++i) identity[i] = static_cast<int>(i);
  std::vector<size_t> depth_of(n, 0);
  for (size_t d = 0; d < order.size(); ++d) depth_of[static_cast<size_t>(order[d])] = d;
  std::vector<Parity> kept;
  for (auto p : parities) {
    double v = parity_value(p, [&](int i) -> const Atom& { return at(molecule.geometry, identity, i); });
    if (std::abs(v) < kFlatParity) continue;
    p.sign = sign_of(v);
    for (int a : p.atoms) {
      int s = parent[static_cast<size_t>(a)] >= 0 ? parent[static_cast<size_t>(a)] : a;
      p.decided_at = std::max(p.decided_at, depth_of[static_cast<size_t>(s)]);
    }
    kept.push_back(p);
  }
  parities = std::move(kept);
  decided.assign(order.size(), {});
  owned.assign(n, {});
  for (size_t k = 0; k < parities.size(); ++k) {
    if (parities[k].owner >= 0)
      owned[static_cast<size_t>(parities[k].owner)].push_back(k);
    else
      decided[parities[k].decided_at].push_back(k);
  }
}

std::vector<int> ReferenceLabelling::Impl::complete(const Geometry& conf,
                                                    const std::vector<int>& map) const {
  std::vector<int> sigma(n, -1);
  for (size_t i = 0; i < n; ++i)
    if (parent[i] < 0) sigma[i] = map[i];
  for (size_t x = 0; x < n; ++x)
    if (parent[x] < 0) place_hydrogens(map, static_cast<int>(x), false, sigma);
  // In atom order, so that a double bond with two =CH2 ends finds the first
  // end's hydrogens already placed.
  for (size_t x = 0; x < n; ++x) {
    if (owned[x].empty()) continue;
    int agree = 0;
    for (size_t k : owned[x]) {
      const auto& p = parities[k];
      agree += sign_of(parity_value(p, [&](int i) -> const Atom& { return at(conf, sigma, i); })) ==
                       p.sign
                   ? 1
                   : -1;
    }
    if (agree < 0) place_hydrogens(map, static_cast<int>(x), true, sigma);
  }
  return sigma;
}

std::pair<int, int> ReferenceLabelling::Impl::mismatches(const Geometry& conf,
                                                         const std::vector<int>& sigma) const {
  int config = 0, rotamer = 0;
  for (const auto& p : parities) {
    if (p.role == Role::cosmetic) continue;
    if (sign_of(parity_value(p, [&](int i) -> const Atom& { return at(conf, sigma, i); })) == p.sign)
      continue;
    (p.role == Role::rotamer ? rotamer : config) += 1;
  }
  return {config, rotamer};
}

void ReferenceLabelling::Impl::dfs(Search& s, size_t depth, int config, int rotamer) const {
  if (s.perfect || s.capped) return;
  if (++s.nodes > kMaxSearchNodes) {
    s.capped = true;
    return;
  }
  if (depth == order.size()) {
    auto sigma = complete(*s.conf, s.map);
    auto [c, r] = mismatches(*s.conf, sigma);
    if (std::make_pair(c, r) < std::make_pair(s.best_config, s.best_rotamer)) {
      s.best_config = c;
      s.best_rotamer = r;
      s.best = std::move(sigma);
      s.perfect = c == 0 && r == 0;
    }
    return;
  }
  const int i = order[depth];
  const auto& nbs = adj[static_cast<size_t>(i)];
  std::vector<int> candidates;
  if (anchor[depth] >= 0) {
    for (auto [b, code] : adj[static_cast<size_t>(s.map[static_cast<size_t>(anchor[depth])])])
      candidates.push_back(b);
  } else {
    for (int a : order) candidates.push_back(a);
  }
  for (int j : candidates) {
    if (s.used[static_cast<size_t>(j)] || rank[static_cast<size_t>(j)] != rank[static_cast<size_t>(i)])
      continue;
    // Every placed neighbour of i must land on a neighbour of j by the same
    // kind of bond, and j may have no other placed neighbour.
    bool ok = true;
    int placed = 0;
    for (auto [k, code] : nbs) {
      int mk = s.map[static_cast<size_t>(k)];
      if (mk < 0) continue;
      ++placed;
      auto it = std::find_if(adj[static_cast<size_t>(j)].begin(), adj[static_cast<size_t>(j)].end(),
                             [&](const auto& e) { return e.first == mk; });
      if (it == adj[static_cast<size_t>(j)].end() || it->second != code) ok = false;
    }
    int used_nbs = 0;
    for (auto [b, code] : adj[static_cast<size_t>(j)]) used_nbs += s.used[static_cast<size_t>(b)];
    if (!ok || used_nbs != placed) continue;
    s.map[static_cast<size_t>(i)] = j;
    s.used[static_cast<size_t>(j)] = 1;
    int c = config, r = rotamer;
    if (!decided[depth].empty()) {
      // The hydrogens of fully placed atoms in index order (parities decided
      // by the skeleton use unique hydrogens only).
      std::vector<int> sigma(n, -1);
      for (size_t a = 0; a < n; ++a)
        if (parent[a] < 0 && s.map[a] >= 0) {
          sigma[a] = s.map[a];
          place_hydrogens(s.map, static_cast<int>(a), false, sigma);
        }
      for (size_t k : decided[depth]) {
        const auto& p = parities[k];
        if (sign_of(parity_value(p, [&](int x) -> const Atom& { return at(*s.conf, sigma, x); })) ==
            p.sign)
          continue;
        (p.role == Role::rotamer ? r : c) += 1;
      }
    }
    if (std::make_pair(c, r) < std::make_pair(s.best_config, s.best_rotamer))
      dfs(s, depth + 1, c, r);
    s.map[static_cast<size_t>(i)] = -1;
    s.used[static_cast<size_t>(j)] = 0;
    if (s.perfect || s.capped) return;
  }
}

ReferenceLabelling::ReferenceLabelling(const Molecule& molecule)
    : impl_(std::make_unique<Impl>(molecule)) {}
ReferenceLabelling::~ReferenceLabelling() = default;
ReferenceLabelling::ReferenceLabelling(ReferenceLabelling&&) noexcept = default;
ReferenceLabelling& ReferenceLabelling::operator=(ReferenceLabelling&&) noexcept = default;

Relabelled ReferenceLabelling::align(const Geometry& conformer) const {
  const Impl& m = *impl_;
  if (conformer.atoms.size() != m.n)
    throw ChemError("labelling: the conformer has " + std::to_string(conformer.atoms.size()) +
                    " atoms, the molecule " + std::to_string(m.n));
  Impl::Search s;
  s.conf = &conformer;
  s.map.assign(m.n, -1);
  s.used.assign(m.n, 0);
  m.dfs(s, 0, 0, 0);
  Relabelled out;
  if (s.best.empty()) {  // capped before any complete labelling: the conformer's own
    std::vector<int> identity(m.n);
    for (size_t i = 0; i < m.n; ++i) identity[i] = static_cast<int>(i);
    s.best = m.complete(conformer, identity);
    std::tie(s.best_config, s.best_rotamer) = m.mismatches(conformer, s.best);
  }
  out.source = s.best;
  out.configuration_mismatches = s.best_config;
  out.rotamer_mismatches = s.best_rotamer;
  out.search_capped = s.capped && s.best_config > 0;
  out.geometry = conformer;
  for (size_t i = 0; i < m.n; ++i) {
    const Atom& from = conformer.atoms[static_cast<size_t>(s.best[i])];
    if (from.symbol != conformer.atoms[i].symbol)
      throw ChemError("labelling: internal error, atom " + std::to_string(i + 1) +
                      " would change element");
    out.geometry.atoms[i] = from;
  }
  return out;
}

}  // namespace qmnmr::chem
