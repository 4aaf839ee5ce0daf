// The spin-Hamiltonian simulation: clusters, their X-spin configurations, the
// Fz blocks diagonalised with Eigen, the F- transitions between them.
#include "chem/spectrum/spin_system.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>

#include <Eigen/Dense>

namespace qmnmr::chem::spectrum {
namespace {

// More configurations of the neighbouring clusters than this for one cluster
// and their offsets are merged more coarsely, then the most weakly coupled
// neighbour dropped, until it fits (each costs a diagonalisation).
constexpr std::size_t kMaxConfigurations = 1024;


void check(const SpinSystem& s, const SimulationOptions& o) {
  const std::size_t n = s.shifts_ppm.size();
  if (!(o.field_mhz > 0)) throw std::invalid_argument("spin simulation: the field must be > 0 MHz");
  if (!(o.exact_budget >= 0))
    throw std::invalid_argument("spin simulation: exact_budget must be >= 0");
  if (o.max_cluster_spins < 1 || o.max_cluster_spins > 16)
    throw std::invalid_argument("spin simulation: max_cluster_spins must be 1-16");
  if (s.j_hz.size() != n)
    throw std::invalid_argument("spin simulation: the J matrix has " +
                                std::to_string(s.j_hz.size()) + " rows for " +
                                std::to_string(n) + " spins");
  for (std::size_t i = 0; i < n; ++i) {
    if (s.j_hz[i].size() != n)
      throw std::invalid_argument("spin simulation: J matrix row " + std::to_string(i) +
                                  " has the wrong length");
    for (std::size_t j = 0; j < n; ++j)
      if (std::abs(s.j_hz[i][j] - s.j_hz[j][i]) > 1e-9)
        throw std::invalid_argument("spin simulation: the J matrix is not symmetric at (" +
                                    std::to_string(i) + ", " + std::to_string(j) + ")");
  }
}

struct DisjointSets {
  std::vector<int> parent;
  explicit DisjointSets(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int find(int x) { return parent[x] == x ? x : parent[x] = find(parent[x]); }
  void join(int a, int b) { parent[find(a)] = find(b); }
};

// Components of `members` joined by the pairs whose strength exceeds `above`.
std::vector<std::vector<int>> components(const std::vector<int>& members,
                                         const std::vector<std::vector<double>>& strength,
                                         double above) {
  DisjointSets sets(strength.size());
  for (int a : members)
    for (int b : members)
      if (a < b && strength[a][b] > above) sets.join(a, b);
  std::map<int, std::vector<int>> by_root;
  for (int a : members) by_root[sets.find(a)].push_back(a);
  std::vector<std::vector<int>> out;
  for (auto& [root, part] : by_root) out.push_back(std::move(part));
  return out;
}

// Splits `members` (one component) at its weakest links until every part has
// at most `max_size` spins.
void split(const std::vector<int>& members, const std::vector<std::vector<double>>& strength,
           double above, std::size_t max_size, std::vector<std::vector<int>>& out) {
  if (members.size() <= max_size) {
    out.push_back(members);
    return;
  }
  std::vector<double> levels;
  for (int a : members)
    for (int b : members)
      if (a < b && strength[a][b] > above) levels.push_back(strength[a][b]);
  std::sort(levels.begin(), levels.end());
  for (double level : levels) {
    auto parts = components(members, strength, level);
    if (parts.size() > 1) {
      for (const auto& part : parts) split(part, strength, level, max_size, out);
      return;
    }
  }
  throw std::invalid_argument("spin simulation: " + std::to_string(members.size()) +
                              " spins of equal shift are coupled to each other and cannot be "
                              "split into clusters of at most " + std::to_string(max_size));
}

// One cluster's Hamiltonian blocks by the number of beta spins (bit set).
struct Blocks {
  int n = 0;
  std::vector<std::vector<std::uint32_t>> states;   // per block: the basis states
  std::vector<std::uint32_t> index_in_block;        // per state
};

Blocks make_blocks(int n) {
  Blocks b;
  b.n = n;
  b.states.resize(n + 1);
  b.index_in_block.resize(std::size_t{1} << n);
  for (std::uint32_t s = 0; s < (1u << n); ++s) {
    auto& block = b.states[std::popcount(s)];
    b.index_in_block[s] = static_cast<std::uint32_t>(block.size());
    block.push_back(s);
  }
  return b;
}

// m of spin i in state s: +1/2 (alpha, bit clear) or -1/2 (beta, bit set).
double m_of(std::uint32_t s, int i) { return (s >> i) & 1u ? -0.5 : 0.5; }

struct Eigen_ {
  Eigen::VectorXd values;
  Eigen::MatrixXd vectors;  // columns
};

Eigen_ diagonalise(const Blocks& b, int k, const std::vector<double>& nu,
                   const std::vector<std::vector<double>>& j) {
  const auto& states = b.states[k];
  const int d = static_cast<int>(states.size());
  Eigen::MatrixXd h = Eigen::MatrixXd::Zero(d, d);
  for (int r = 0; r < d; ++r) {
    const std::uint32_t s = states[r];
    double diag = 0;
    for (int i = 0; i < b.n; ++i) {
      diag += nu[i] * m_of(s, i);
      for (int q = i + 1; q < b.n; ++q) diag += j[i][q] * m_of(s, i) * m_of(s, q);
    }
    h(r, r) = diag;
    // Flip-flop terms: J/2 between states that swap an alpha and a beta spin.
    for (int i = 0; i < b.n; ++i)
      for (int q = i + 1; q < b.n; ++q)
        if (j[i][q] != 0 && (((s >> i) ^ (s >> q)) & 1u)) {
          const std::uint32_t t = s ^ ((1u << i) | (1u << q));
          h(r, static_cast<int>(b.index_in_block[t])) = 0.5 * j[i][q];
        }
  }
  if (d == 1) return {h.diagonal(), Eigen::MatrixXd::Identity(1, 1)};
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(h);
  return {solver.eigenvalues(), solver.eigenvectors()};
}

// <v|Iz_i|v> of each eigenstate v of block k (rows) for each spin i (columns).
Eigen::MatrixXd iz_expectations(const Blocks& b, int k, const Eigen_& e) {
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(e.vectors.cols(), b.n);
  for (int r = 0; r < e.vectors.rows(); ++r)
    for (int i = 0; i < b.n; ++i)
      m.col(i) += e.vectors.row(r).transpose().cwiseAbs2() * m_of(b.states[k][r], i);
  return m;
}

struct RawLine {
  double hz, intensity;
  int spin;
};

// One transition of a cluster: frequency, intensity (the configuration's
// weight not yet applied), the spin with the largest share, and how each
// cluster spin's frequency offset moves it (<a|Iz_c|a> - <b|Iz_c|b>).
struct ClusterLine {
  double hz, intensity;
  int spin;
  std::vector<double> shift_per_offset;
};

// The cluster's lines at effective Larmor frequencies `nu` (Hz); `spins` maps
// cluster positions to the system's spin indices.
std::vector<ClusterLine> cluster_lines(const Blocks& b, const std::vector<double>& nu,
                                       const std::vector<std::vector<double>>& j,
                                       const std::vector<int>& spins) {
  const int n = b.n;
  std::vector<Eigen_> eig;
  std::vector<Eigen::MatrixXd> iz;  // per block: <v|Iz_i|v>, eigenstate x spin
  for (int k = 0; k <= n; ++k) {
    eig.push_back(diagonalise(b, k, nu, j));
    iz.push_back(iz_expectations(b, k, eig.back()));
  }
  const double norm = 1.0 / static_cast<double>(std::size_t{1} << (n - 1));
  std::vector<ClusterLine> out;
  for (int k = 0; k < n; ++k) {
    const auto& lo = b.states[k];  // more alpha: higher Fz
    const int da = static_cast<int>(lo.size());
    const int db = static_cast<int>(b.states[k + 1].size());
    // F- in the product basis, then in the eigenbases: T = Vb^T F- Va.
    Eigen::MatrixXd f = Eigen::MatrixXd::Zero(db, da);
    for (int a = 0; a < da; ++a)
      for (int i = 0; i < n; ++i)
        if (!((lo[a] >> i) & 1u)) f(static_cast<int>(b.index_in_block[lo[a] | (1u << i)]), a) += 1;
    const Eigen::MatrixXd t = eig[k + 1].vectors.transpose() * (f * eig[k].vectors);
    for (int bb = 0; bb < db; ++bb)
      for (int a = 0; a < da; ++a) {
        const double amp = t(bb, a);
        const double intensity = amp * amp * norm;
        if (intensity < 1e-12) continue;
        // The spin with the largest share of the amplitude: sum_i T_i * T.
        int best = 0;
        double best_share = -1e300;
        for (int i = 0; i < n; ++i) {
          double ti = 0;
          for (int s = 0; s < da; ++s)
            if (!((lo[s] >> i) & 1u))
              ti += eig[k + 1].vectors(static_cast<int>(b.index_in_block[lo[s] | (1u << i)]), bb) *
                    eig[k].vectors(s, a);
          if (ti * amp > best_share) best_share = ti * amp, best = i;
        }
        std::vector<double> shift(n);
        for (int i = 0; i < n; ++i) shift[i] = iz[k](a, i) - iz[k + 1](bb, i);
        out.push_back({eig[k].values(a) - eig[k + 1].values(bb), intensity, spins[best],
                       std::move(shift)});
      }
  }
  return out;
}

// The work of diagonalising a cluster of n spins once: sum over its Fz
// blocks of their size cubed.
double diagonalisation_cost(const Blocks& b) {
  double cost = 0;
  for (const auto& block : b.states) cost += std::pow(static_cast<double>(block.size()), 3);
  return cost;
}

}  // namespace

std::vector<std::vector<int>> magnetic_equivalence_groups(const SpinSystem& s) {
  const int n = static_cast<int>(s.shifts_ppm.size());
  std::vector<int> group(n, -1);
  std::vector<std::vector<int>> out;
  for (int a = 0; a < n; ++a) {
    if (group[a] >= 0) continue;
    group[a] = static_cast<int>(out.size());
    out.push_back({a});
    for (int b = a + 1; b < n; ++b) {
      if (group[b] >= 0 || std::abs(s.shifts_ppm[a] - s.shifts_ppm[b]) > 1e-9) continue;
      // b joins if it couples to every spin outside the group as its members do.
      auto& members = out.back();
      bool same = true;
      for (int c = 0; c < n && same; ++c) {
        if (c == b || std::find(members.begin(), members.end(), c) != members.end()) continue;
        for (int m : members) same = same && std::abs(s.j_hz[m][c] - s.j_hz[b][c]) <= 1e-6;
      }
      if (same) {
        group[b] = group[a];
        members.push_back(b);
      }
    }
  }
  return out;
}

Simulation simulate(const SpinSystem& system, const SimulationOptions& o) {
  check(system, o);
  const int n = static_cast<int>(system.shifts_ppm.size());
  Simulation sim;
  if (n == 0) return sim;

  // Couplings inside a magnetically equivalent group change no line: drop them.
  auto j = system.j_hz;
  for (const auto& g : magnetic_equivalence_groups(system))
    for (int a : g)
      for (int b : g) j[a][b] = 0;
  for (auto& row : j)
    for (double& v : row)
      if (std::abs(v) < o.min_coupling_hz) v = 0;

  std::vector<double> nu(n);
  for (int i = 0; i < n; ++i) nu[i] = system.shifts_ppm[i] * o.field_mhz;
  std::vector<std::vector<double>> strength(n, std::vector<double>(n, 0.0));
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b)
      if (a != b && j[a][b] != 0)
        strength[a][b] = std::abs(j[a][b]) / std::max(std::abs(nu[a] - nu[b]), 1e-9);

  std::vector<int> all(n);
  std::iota(all.begin(), all.end(), 0);
  const double below = o.strong_ratio * (1 - 1e-12);
  for (const auto& component : components(all, strength, below))
    split(component, strength, below, o.max_cluster_spins, sim.clusters);

  std::map<int, Blocks> blocks_by_size;
  auto blocks_for = [&](int size) -> const Blocks& {
    auto [it, fresh] = blocks_by_size.try_emplace(size);
    if (fresh) it->second = make_blocks(size);
    return it->second;
  };
  auto sub = [&](const std::vector<int>& cluster, std::vector<double>& nu_c,
                 std::vector<std::vector<double>>& jc) {
    const int c = static_cast<int>(cluster.size());
    nu_c.assign(c, 0);
    jc.assign(c, std::vector<double>(c, 0));
    for (int a = 0; a < c; ++a) {
      nu_c[a] = nu[cluster[a]];
      for (int b = 0; b < c; ++b) jc[a][b] = j[cluster[a]][cluster[b]];
    }
  };
  // Each cluster's eigenstates on its own: <Iz> of its spins in each, weight 1/2^n.
  std::vector<std::vector<std::vector<double>>> iz_by_cluster;
  for (const auto& cluster : sim.clusters) {
    std::vector<double> nu_c;
    std::vector<std::vector<double>> jc;
    sub(cluster, nu_c, jc);
    const Blocks& b = blocks_for(static_cast<int>(cluster.size()));
    std::vector<std::vector<double>> states;
    for (int k = 0; k <= b.n; ++k) {
      const Eigen::MatrixXd m = iz_expectations(b, k, diagonalise(b, k, nu_c, jc));
      for (int v = 0; v < m.rows(); ++v) {
        std::vector<double> iz(b.n);
        for (int i = 0; i < b.n; ++i) iz[i] = m(v, i);
        states.push_back(std::move(iz));
      }
    }
    iz_by_cluster.push_back(std::move(states));
  }

  std::vector<RawLine> raw;
  for (std::size_t ci = 0; ci < sim.clusters.size(); ++ci) {
    const auto& cluster = sim.clusters[ci];
    const int c = static_cast<int>(cluster.size());
    std::vector<double> nu_c;
    std::vector<std::vector<double>> jc;
    sub(cluster, nu_c, jc);
    // The other clusters coupled to this one shift its frequencies by
    // sum_d J_cd <Iz_d> in each of their eigenstates (first order): the
    // distribution of offset vectors, convolved cluster by cluster, equal
    // offsets merged at `resolution` Hz (coarser while there are too many).
    struct Neighbour {
      std::vector<std::pair<std::vector<double>, double>> offsets;  // offset vector, weight
      double peak = 0;                                               // largest |J| to us
    };
    std::vector<Neighbour> neighbours;
    for (std::size_t di = 0; di < sim.clusters.size(); ++di) {
      if (di == ci) continue;
      const auto& other = sim.clusters[di];
      Neighbour nb;
      for (int a = 0; a < c; ++a)
        for (int d : other) nb.peak = std::max(nb.peak, std::abs(j[cluster[a]][d]));
      if (nb.peak == 0) continue;
      const double w = 1.0 / static_cast<double>(iz_by_cluster[di].size());
      for (const auto& iz : iz_by_cluster[di]) {
        std::vector<double> off(c, 0.0);
        for (int a = 0; a < c; ++a)
          for (std::size_t q = 0; q < other.size(); ++q) off[a] += j[cluster[a]][other[q]] * iz[q];
        nb.offsets.emplace_back(std::move(off), w);
      }
      neighbours.push_back(std::move(nb));
    }
    auto convolve = [&](double resolution) {
      std::map<std::vector<long long>, double> dist{{std::vector<long long>(c, 0), 1.0}};
      for (const Neighbour& nb : neighbours) {
        std::map<std::vector<long long>, double> next;
        for (const auto& [base, weight] : dist)
          for (const auto& [off, w] : nb.offsets) {
            auto key = base;
            for (int a = 0; a < c; ++a) key[a] += std::llround(off[a] / resolution);
            next[key] += weight * w;
          }
        dist = std::move(next);
        if (dist.size() > kMaxConfigurations) return std::optional<decltype(dist)>{};
      }
      return std::optional<decltype(dist)>{std::move(dist)};
    };
    std::optional<std::map<std::vector<long long>, double>> dist;
    double resolution = 1e-4;
    while (!(dist = convolve(resolution))) {
      if (resolution < 0.05) {
        resolution *= 10;  // at most 0.1 Hz: far below a line width
      } else {  // still too many: the most weakly coupled neighbour goes
        neighbours.erase(std::min_element(
            neighbours.begin(), neighbours.end(),
            [](const Neighbour& p, const Neighbour& q) { return p.peak < q.peak; }));
      }
    }
    const Blocks& b = blocks_for(c);
    if (static_cast<double>(dist->size()) * diagonalisation_cost(b) <= o.exact_budget) {
      // Few configurations or a small cluster: each configuration diagonalised.
      for (const auto& [key, weight] : *dist) {
        std::vector<double> nu_eff = nu_c;
        for (int a = 0; a < c; ++a) nu_eff[a] += static_cast<double>(key[a]) * resolution;
        for (const ClusterLine& l : cluster_lines(b, nu_eff, jc, cluster))
          raw.push_back({l.hz, l.intensity * weight, l.spin});
      }
    } else {
      // A large cluster with many configurations: diagonalised once, each
      // configuration moving each line in first order (sum_c offset_c * dIz_c);
      // the error is second order in offset / (the cluster's level spacing).
      for (const ClusterLine& l : cluster_lines(b, nu_c, jc, cluster)) {
        std::map<long long, double> moved;  // the line's shift (1e-3 Hz) -> weight
        for (const auto& [key, weight] : *dist) {
          double shift = 0;
          for (int a = 0; a < c; ++a)
            shift += static_cast<double>(key[a]) * resolution * l.shift_per_offset[a];
          moved[std::llround(shift * 1e3)] += weight;
        }
        for (const auto& [shift, weight] : moved)
          raw.push_back({l.hz + static_cast<double>(shift) * 1e-3, l.intensity * weight, l.spin});
      }
    }
  }

  // Lines closer than 1e-4 Hz are one line.
  std::sort(raw.begin(), raw.end(), [](const RawLine& a, const RawLine& b) { return a.hz < b.hz; });
  for (const RawLine& r : raw) {
    if (!sim.lines.empty() && std::abs(sim.lines.back().hz - r.hz) < 1e-4) {
      Line& last = sim.lines.back();
      if (r.intensity > last.intensity) last.spin = r.spin;
      last.hz = (last.hz * last.intensity + r.hz * r.intensity) / (last.intensity + r.intensity);
      last.intensity += r.intensity;
    } else {
      sim.lines.push_back({r.hz, 0, r.intensity, r.spin});
    }
  }
  for (Line& l : sim.lines) l.ppm = l.hz / o.field_mhz;
  return sim;
}

std::vector<double> lorentzian_trace(const std::vector<Line>& lines, double field_mhz,
                                     double width_hz, double ppm_max, double ppm_min,
                                     std::size_t points) {
  if (!(width_hz > 0) || !(field_mhz > 0) || points < 2 || !(ppm_max > ppm_min))
    throw std::invalid_argument("spectrum trace: need width > 0, field > 0, ppm_max > ppm_min "
                                "and at least 2 points");
  std::vector<double> y(points, 0.0);
  const double half = 0.5 * width_hz;
  const double step_hz = (ppm_max - ppm_min) * field_mhz / static_cast<double>(points - 1);
  const double reach = 200 * width_hz;  // past this a line adds < 1e-5 of its height
  for (const Line& l : lines) {
    const double pos = (ppm_max * field_mhz - l.hz) / step_hz;  // fractional index
    const double span = reach / step_hz;
    const auto lo = static_cast<long long>(std::max(0.0, std::floor(pos - span)));
    const auto hi = static_cast<long long>(
        std::min(static_cast<double>(points - 1), std::ceil(pos + span)));
    for (long long p = lo; p <= hi; ++p) {
      const double d = (static_cast<double>(p) - pos) * step_hz;
      y[static_cast<std::size_t>(p)] += l.intensity * half * half / (d * d + half * half);
    }
  }
  return y;
}

}  // namespace qmnmr::chem::spectrum
