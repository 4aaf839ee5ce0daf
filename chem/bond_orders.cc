// Bond-order perception for XYZ input. Each atom takes one of its normal valence states; the
// extra bond orders the states ask for are a maximum b-matching on the unsaturated atoms
// (Edmonds' blossom algorithm on one node per missing bond). A search over state changes
// (charges, hypervalent S and P) that each shrink the unmatched remainder finds the cheapest
// assignment that closes every valence with the required total charge.
#include "chem/bond_orders.h"

#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <queue>
#include <set>
#include <string>
#include <tuple>

namespace qmnmr::chem {
namespace {

// One valence state of an atom: total bond order, formal charge and its cost. A charge
// costs about 10 (more on less suitable atoms), so fewer charges always win; a step to a
// higher valence of S or P costs 1.
struct State {
  int valence;
  int charge;
  int cost;
};

std::vector<State> states_of(int z) {
  switch (z) {
    case 1:
      return {{1, 0, 0}};
    case 5:
      return {{3, 0, 0}, {4, -1, 10}};
    case 6:
      return {{4, 0, 0}, {3, -1, 13}, {3, 1, 13}};
    case 7:
      return {{3, 0, 0}, {4, 1, 10}, {2, -1, 11}};
    case 8:
      return {{2, 0, 0}, {1, -1, 10}, {3, 1, 12}};
    case 9:
    case 17:
    case 35:
    case 53:
      return {{1, 0, 0}, {0, -1, 10}};
    case 14:
      return {{4, 0, 0}};
    case 15:
      return {{3, 0, 0}, {5, 0, 1}, {4, 1, 11}};
    case 16:
      return {{2, 0, 0}, {4, 0, 1}, {6, 0, 2}, {1, -1, 11}, {3, 1, 12}};
    default:
      return {};
  }
}

// Maximum cardinality matching in a general graph (Edmonds' blossoms, BFS per free node).
class Matcher {
 public:
  explicit Matcher(const std::vector<std::vector<int>>& graph)
      : g_(graph), n_(static_cast<int>(graph.size())), match_(n_, -1) {}

  int run() {
    int size = 0;
    for (int v = 0; v < n_; ++v)  // greedy start
      if (match_[v] < 0)
        for (int w : g_[v])
          if (match_[w] < 0) {
            match_[v] = w, match_[w] = v, ++size;
            break;
          }
    for (int v = 0; v < n_; ++v) {
      if (match_[v] >= 0) continue;
      int end = augmenting_path(v);
      if (end < 0) continue;
      ++size;
      while (end >= 0) {
        int pv = parent_[end], ppv = match_[pv];
        match_[end] = pv, match_[pv] = end;
        end = ppv;
      }
    }
    return size;
  }
  const std::vector<int>& match() const { return match_; }

 private:
  int lca(int a, int b) {
    std::vector<bool> seen(n_, false);
    for (;;) {
      a = base_[a];
      seen[a] = true;
      if (match_[a] < 0) break;
      a = parent_[match_[a]];
    }
    for (;;) {
      b = base_[b];
      if (seen[b]) return b;
      b = parent_[match_[b]];
    }
  }
  void mark_path(int v, int b, int child) {
    while (base_[v] != b) {
      blossom_[base_[v]] = blossom_[base_[match_[v]]] = true;
      parent_[v] = child;
      child = match_[v];
      v = parent_[match_[v]];
    }
  }
  int augmenting_path(int root) {
    used_.assign(n_, false);
    parent_.assign(n_, -1);
    base_.resize(n_);
    for (int i = 0; i < n_; ++i) base_[i] = i;
    used_[root] = true;
    std::queue<int> q;
    q.push(root);
    while (!q.empty()) {
      int v = q.front();
      q.pop();
      for (int to : g_[v]) {
        if (base_[v] == base_[to] || match_[v] == to) continue;
        if (to == root || (match_[to] >= 0 && parent_[match_[to]] >= 0)) {
          int cur = lca(v, to);
          blossom_.assign(n_, false);
          mark_path(v, cur, to);
          mark_path(to, cur, v);
          for (int i = 0; i < n_; ++i)
            if (blossom_[base_[i]]) {
              base_[i] = cur;
              if (!used_[i]) used_[i] = true, q.push(i);
            }
        } else if (parent_[to] < 0) {
          parent_[to] = v;
          if (match_[to] < 0) return to;
          used_[match_[to]] = true;
          q.push(match_[to]);
        }
      }
    }
    return -1;
  }

  const std::vector<std::vector<int>>& g_;
  int n_;
  std::vector<int> match_, parent_, base_;
  std::vector<bool> used_, blossom_;
};

class Solver {
 public:
  Solver(const std::vector<int>& z, const std::vector<std::pair<int, int>>& bonds, int charge)
      : bonds_(bonds), charge_(charge), neighbours_(z.size()) {
    for (const auto& [a, b] : bonds) {
      neighbours_[a].push_back(b);
      neighbours_[b].push_back(a);
    }
    options_.resize(z.size());
    for (size_t i = 0; i < z.size(); ++i) {
      int degree = static_cast<int>(neighbours_[i].size());
      for (const State& s : states_of(z[i]))
        if (s.valence >= degree) options_[i].push_back(s);
      std::stable_sort(options_[i].begin(), options_[i].end(),
                       [](const State& a, const State& b) { return a.cost < b.cost; });
    }
  }

  std::optional<BondOrderAssignment> solve() {
    std::vector<int> choice(options_.size(), 0);
    for (const auto& o : options_)
      if (o.empty()) return std::nullopt;  // unsupported element or too many neighbours
    Eval start = evaluate(choice);
    search(choice, start);
    if (best_cost_ == std::numeric_limits<int>::max()) return std::nullopt;
    return build(best_choice_);
  }

 private:
  struct Eval {
    int deficit = 0;
    int charge = 0;
    int cost = 0;
  };

  // The unmatched remainder after a maximum b-matching of the states' missing bond orders.
  Eval evaluate(const std::vector<int>& choice, std::vector<int>* orders = nullptr) {
    ++evaluations_;
    Eval e;
    std::vector<int> first(choice.size() + 1, 0);
    for (size_t i = 0; i < choice.size(); ++i) {
      const State& s = options_[i][choice[i]];
      e.charge += s.charge;
      e.cost += s.cost;
      first[i + 1] = first[i] + s.valence - static_cast<int>(neighbours_[i].size());
    }
    std::vector<std::vector<int>> graph(first.back());
    for (const auto& [a, b] : bonds_)
      for (int p = first[a]; p < first[a + 1]; ++p)
        for (int q = first[b]; q < first[b + 1]; ++q) {
          graph[p].push_back(q);
          graph[q].push_back(p);
        }
    Matcher m(graph);
    e.deficit = first.back() - 2 * m.run();
    if (orders) {
      std::vector<int> owner(first.back());
      for (size_t i = 0; i < choice.size(); ++i)
        for (int p = first[i]; p < first[i + 1]; ++p) owner[p] = static_cast<int>(i);
      orders->assign(bonds_.size(), 1);
      for (size_t k = 0; k < bonds_.size(); ++k) {
        auto [a, b] = bonds_[k];
        for (int p = first[a]; p < first[a + 1]; ++p)
          if (m.match()[p] >= 0 && owner[m.match()[p]] == b) ++(*orders)[k];
      }
    }
    return e;
  }

  // Depth-first over state changes, each shrinking the remainder (or, with none left, the
  // charge mismatch); the cheapest complete assignment wins.
  void search(std::vector<int>& choice, const Eval& here) {
    if (here.cost >= best_cost_) return;
    if (here.deficit == 0 && here.charge == charge_) {
      best_cost_ = here.cost;
      best_choice_ = choice;
      return;
    }
    if (evaluations_ > kMaxEvaluations) return;
    if (!visited_.insert(choice).second) return;
    struct Move {
      size_t atom;
      int option;
      Eval eval;
    };
    std::vector<Move> moves;
    const int mismatch = std::abs(here.charge - charge_);
    for (size_t i = 0; i < choice.size(); ++i) {
      if (choice[i] != 0) continue;  // each atom leaves its cheapest state at most once
      for (int o = 1; o < static_cast<int>(options_[i].size()); ++o) {
        if (here.cost + options_[i][o].cost - options_[i][0].cost >= best_cost_) continue;
        choice[i] = o;
        Eval e = evaluate(choice);
        choice[i] = 0;
        if (e.deficit < here.deficit ||
            (e.deficit == here.deficit && std::abs(e.charge - charge_) < mismatch))
          moves.push_back({i, o, e});
      }
    }
    std::stable_sort(moves.begin(), moves.end(), [&](const Move& a, const Move& b) {
      int ma = std::abs(a.eval.charge - charge_), mb = std::abs(b.eval.charge - charge_);
      return std::tie(a.eval.deficit, ma, a.eval.cost) < std::tie(b.eval.deficit, mb, b.eval.cost);
    });
    for (const Move& m : moves) {
      choice[m.atom] = m.option;
      search(choice, m.eval);
      choice[m.atom] = 0;
    }
  }

  std::optional<BondOrderAssignment> build(const std::vector<int>& choice) {
    BondOrderAssignment out;
    Eval e = evaluate(choice, &out.orders);
    if (e.deficit != 0) return std::nullopt;
    for (int order : out.orders)
      if (order > 3) return std::nullopt;
    for (size_t i = 0; i < choice.size(); ++i) {
      int q = options_[i][choice[i]].charge;
      out.formal_charges.push_back(q);
      if (q != 0) ++out.charged_atoms;
    }
    return out;
  }

  static constexpr long kMaxEvaluations = 20000;  // bounds the search on odd cases
  const std::vector<std::pair<int, int>>& bonds_;
  int charge_;
  std::vector<std::vector<int>> neighbours_;
  std::vector<std::vector<State>> options_;
  std::set<std::vector<int>> visited_;
  long evaluations_ = 0;
  int best_cost_ = std::numeric_limits<int>::max();
  std::vector<int> best_choice_;
};

}  // namespace

std::optional<BondOrderAssignment> assign_bond_orders(
    const std::vector<int>& atomic_numbers, const std::vector<std::pair<int, int>>& bonds,
    int total_charge) {
  const int n = static_cast<int>(atomic_numbers.size());
  int electrons = -total_charge;
  for (int z : atomic_numbers) electrons += z;
  if (n == 0 || electrons % 2 != 0) return std::nullopt;  // closed shells only
  std::set<std::pair<int, int>> seen;
  for (const auto& [a, b] : bonds)
    if (a < 0 || b < 0 || a >= n || b >= n || a == b ||
        !seen.emplace(std::min(a, b), std::max(a, b)).second)
      return std::nullopt;
  return Solver(atomic_numbers, bonds, total_charge).solve();
}

bool perceive_bond_orders(RDKit::RWMol& mol, int total_charge) {
  std::vector<int> z;
  for (const auto* atom : mol.atoms()) z.push_back(atom->getAtomicNum());
  std::vector<std::pair<int, int>> bonds;
  for (const auto* bond : mol.bonds())
    bonds.emplace_back(static_cast<int>(bond->getBeginAtomIdx()),
                       static_cast<int>(bond->getEndAtomIdx()));
  auto assignment = assign_bond_orders(z, bonds, total_charge);
  if (!assignment) return false;
  RDKit::RWMol out(mol);
  for (auto* bond : out.bonds()) {
    int order = assignment->orders[bond->getIdx()];
    bond->setBondType(order == 3   ? RDKit::Bond::TRIPLE
                      : order == 2 ? RDKit::Bond::DOUBLE
                                   : RDKit::Bond::SINGLE);
    bond->setIsAromatic(false);
  }
  for (auto* atom : out.atoms()) {
    atom->setFormalCharge(assignment->formal_charges[atom->getIdx()]);
    atom->setNoImplicit(true);
    atom->setNumExplicitHs(0);
    atom->setNumRadicalElectrons(0);
    atom->setIsAromatic(false);
  }
  try {
    RDKit::MolOps::sanitizeMol(out);
  } catch (const std::exception&) {
    return false;
  }
  mol = out;
  return true;
}

}  // namespace qmnmr::chem
