// Spin-system simulation against hand-worked cases: the AB quartet's closed
// form, A2X3 first order and its second-order distortion at 60 MHz, ABX, and
// a brute-force Hamiltonian over the whole Hilbert space written here apart.
#include "chem/spectrum/spin_system.h"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace qmnmr::chem::spectrum {
namespace {

struct Peak {
  double hz, intensity;
};

std::vector<std::vector<double>> zeros(int n) {
  return std::vector<std::vector<double>>(n, std::vector<double>(n, 0.0));
}

void couple(SpinSystem& s, int a, int b, double j) { s.j_hz[a][b] = s.j_hz[b][a] = j; }

// The whole 2^n space with Kronecker products, no blocks, no clusters.
std::vector<Peak> brute_force(const SpinSystem& s, double field) {
  const int n = static_cast<int>(s.shifts_ppm.size());
  const int d = 1 << n;
  Eigen::Matrix2cd ix, iy, iz, im, one = Eigen::Matrix2cd::Identity();
  ix << 0, 0.5, 0.5, 0;
  iy << 0, std::complex<double>(0, -0.5), std::complex<double>(0, 0.5), 0;
  iz << 0.5, 0, 0, -0.5;
  im << 0, 0, 1, 0;  // I- : alpha -> beta
  auto op = [&](const Eigen::Matrix2cd& m, int at) {
    Eigen::MatrixXcd out = Eigen::MatrixXcd::Identity(1, 1);
    for (int i = 0; i < n; ++i) {
      const Eigen::Matrix2cd& f = i == at ? m : one;
      Eigen::MatrixXcd next(out.rows() * 2, out.cols() * 2);
      for (int r = 0; r < out.rows(); ++r)
        for (int c = 0; c < out.cols(); ++c) next.block(2 * r, 2 * c, 2, 2) = out(r, c) * f;
      out = next;
    }
    return out;
  };
  Eigen::MatrixXcd h = Eigen::MatrixXcd::Zero(d, d), fm = Eigen::MatrixXcd::Zero(d, d);
  for (int i = 0; i < n; ++i) {
    h += s.shifts_ppm[i] * field * op(iz, i);
    fm += op(im, i);
    for (int k = i + 1; k < n; ++k)
      if (s.j_hz[i][k] != 0)
        h += s.j_hz[i][k] * (op(ix, i) * op(ix, k) + op(iy, i) * op(iy, k) + op(iz, i) * op(iz, k));
  }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXcd> e(h);
  const Eigen::MatrixXcd t = e.eigenvectors().adjoint() * fm * e.eigenvectors();
  std::vector<Peak> out;
  for (int b = 0; b < d; ++b)
    for (int a = 0; a < d; ++a) {
      const double in = std::norm(t(b, a)) / (1 << (n - 1));
      if (in > 1e-12) out.push_back({e.eigenvalues()(a) - e.eigenvalues()(b), in});
    }
  std::sort(out.begin(), out.end(), [](auto& x, auto& y) { return x.hz < y.hz; });
  std::vector<Peak> merged;
  for (const Peak& p : out)
    if (!merged.empty() && std::abs(merged.back().hz - p.hz) < 1e-4)
      merged.back().intensity += p.intensity;
    else
      merged.push_back(p);
  return merged;
}

std::vector<Peak> peaks(const Simulation& sim) {
  std::vector<Peak> out;
  for (const Line& l : sim.lines) out.push_back({l.hz, l.intensity});
  return out;
}

void expect_same(const std::vector<Peak>& got, const std::vector<Peak>& want, double hz_tol,
                 double in_tol) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i].hz, want[i].hz, hz_tol) << "line " << i;
    EXPECT_NEAR(got[i].intensity, want[i].intensity, in_tol) << "line " << i;
  }
}

// The AB quartet: centre c, D = sqrt(dnu^2 + J^2); lines at c +- (D +- J)/2,
// the inner ones (1 + J/D)/2, the outer (1 - J/D)/2 (the two spins sum to 2).
std::vector<Peak> ab_quartet(double nu_a, double nu_b, double j, double weight = 1.0) {
  const double c = 0.5 * (nu_a + nu_b), dd = std::hypot(nu_a - nu_b, j);
  return {{c - 0.5 * (dd + j), weight * 0.5 * (1 - j / dd)},
          {c - 0.5 * (dd - j), weight * 0.5 * (1 + j / dd)},
          {c + 0.5 * (dd - j), weight * 0.5 * (1 + j / dd)},
          {c + 0.5 * (dd + j), weight * 0.5 * (1 - j / dd)}};
}

TEST(SpinSystem, AbQuartetMatchesTheClosedFormAtTwoRatios) {
  for (const auto& [dppm, j] : {std::pair{0.1, 10.0}, std::pair{0.02, 12.0}}) {  // J/dnu 0.25, 1.5
    SpinSystem s{{2.0 + dppm, 2.0}, zeros(2)};
    couple(s, 0, 1, j);
    const Simulation sim = simulate(s, {.field_mhz = 400});
    ASSERT_EQ(sim.clusters.size(), 1u);
    expect_same(peaks(sim), ab_quartet(2.0 * 400, (2.0 + dppm) * 400, j), 1e-9, 1e-12);
  }
}

TEST(SpinSystem, A2X3IsFirstOrderAtHighField) {
  // Ethyl: CH2 at 3.7, CH3 at 1.2, J 7 Hz, 600 MHz: J/dnu = 0.0047.
  SpinSystem s{{3.7, 3.7, 1.2, 1.2, 1.2}, zeros(5)};
  for (int a : {0, 1})
    for (int x : {2, 3, 4}) couple(s, a, x, 7.0);
  const Simulation sim = simulate(s, {.field_mhz = 600});
  EXPECT_EQ(sim.clusters.size(), 5u);  // every spin its own cluster: first order
  const double x = 1.2 * 600, a = 3.7 * 600;
  const std::vector<Peak> want = {{x - 7, 0.75},        {x, 1.5},           {x + 7, 0.75},
                                  {a - 10.5, 2.0 / 8},  {a - 3.5, 6.0 / 8}, {a + 3.5, 6.0 / 8},
                                  {a + 10.5, 2.0 / 8}};
  expect_same(peaks(sim), want, 1e-9, 1e-12);
  // The exact spectrum differs by second-order terms of order J^2/dnu (0.03 Hz):
  // its lines within 0.1 Hz of each first-order line carry that line's intensity.
  const auto exact = brute_force(s, 600);
  double exact_total = 0;
  for (const Peak& w : want) {
    double near = 0;
    for (const Peak& e : exact)
      if (std::abs(e.hz - w.hz) < 0.1) near += e.intensity;
    EXPECT_NEAR(near, w.intensity, 0.01) << w.hz;
    exact_total += near;
  }
  EXPECT_NEAR(exact_total, 5.0, 0.01);
}

TEST(SpinSystem, A2X3ShowsItsRoofEffectAt60MHz) {
  SpinSystem s{{3.7, 3.7, 1.2, 1.2, 1.2}, zeros(5)};
  for (int a : {0, 1})
    for (int x : {2, 3, 4}) couple(s, a, x, 7.0);
  const Simulation sim = simulate(s, {.field_mhz = 60});
  ASSERT_EQ(sim.clusters.size(), 1u);  // J/dnu = 0.047: one strongly coupled cluster
  expect_same(peaks(sim), brute_force(s, 60), 1e-7, 1e-10);
  // Each multiplet leans towards the other: the quartet's low-frequency half
  // and the triplet's high-frequency line are the stronger.
  double quartet_low = 0, quartet_high = 0, triplet_low = 0, triplet_high = 0;
  for (const Line& l : sim.lines) {
    if (l.intensity < 0.01) continue;  // the weak combination lines
    if (l.ppm > 2.5) (l.hz < 3.7 * 60 ? quartet_low : quartet_high) += l.intensity;
    else if (std::abs(l.hz - 1.2 * 60) > 3) (l.hz < 1.2 * 60 ? triplet_low : triplet_high) += l.intensity;
  }
  EXPECT_GT(quartet_low, quartet_high * 1.1);
  EXPECT_GT(triplet_high, triplet_low * 1.1);
}

TEST(SpinSystem, AbxAbPartIsTwoAbQuartetsAndXIsNearTheExact) {
  // A 4.00, B 3.95 (20 Hz apart at 400 MHz), J_AB 15; X at 7.0, J_AX 8, J_BX 3.
  SpinSystem s{{4.00, 3.95, 7.0}, zeros(3)};
  couple(s, 0, 1, 15.0);
  couple(s, 0, 2, 8.0);
  couple(s, 1, 2, 3.0);
  const double f = 400, na = 4.00 * f, nb = 3.95 * f, nx = 7.0 * f;
  const Simulation sim = simulate(s, {.field_mhz = f});
  ASSERT_EQ(sim.clusters.size(), 2u);  // {A, B} and {X}
  std::vector<Peak> ab, x;
  for (const Line& l : sim.lines) (l.ppm < 5 ? ab : x).push_back({l.hz, l.intensity});
  std::vector<Peak> want = ab_quartet(na + 4.0, nb + 1.5, 15.0, 0.5);
  for (const Peak& p : ab_quartet(na - 4.0, nb - 1.5, 15.0, 0.5)) want.push_back(p);
  std::sort(want.begin(), want.end(), [](auto& p, auto& q) { return p.hz < q.hz; });
  expect_same(ab, want, 1e-9, 1e-12);
  // X: four lines, nu_X +- (J_AX + J_BX)/2 and nu_X +- (D+ - D-)/2 where
  // D+- = sqrt((dnu_AB +- (J_AX - J_BX)/2)^2 + J_AB^2) (the ABX analysis).
  const double dp = std::hypot(na - nb + 2.5, 15.0), dm = std::hypot(na - nb - 2.5, 15.0);
  ASSERT_EQ(x.size(), 4u);
  const std::vector<double> x_want = {nx - 5.5, nx - 0.5 * (dp - dm), nx + 0.5 * (dp - dm),
                                      nx + 5.5};
  double total = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(x[i].hz, x_want[i], 0.02) << i;
    total += x[i].intensity;
  }
  EXPECT_NEAR(total, 1.0, 1e-9);
  // The whole ABX against the brute force: the strong lines within 0.02 Hz.
  for (const Peak& p : brute_force(s, f)) {
    if (p.intensity < 0.02) continue;
    double nearest = 1e9;
    for (const Line& l : sim.lines) nearest = std::min(nearest, std::abs(l.hz - p.hz));
    EXPECT_LT(nearest, 0.02) << p.hz;
  }
}

TEST(SpinSystem, AMethylActsAsOneSpinGroup) {
  // CH3-CH (A3X): the couplings inside the methyl change no line.
  SpinSystem s{{1.5, 1.5, 1.5, 1.62}, zeros(4)};
  for (int m : {0, 1, 2}) couple(s, m, 3, 7.0);
  const auto groups = magnetic_equivalence_groups(s);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0], (std::vector<int>{0, 1, 2}));
  const auto without = peaks(simulate(s, {.field_mhz = 60}));
  SpinSystem with = s;
  couple(with, 0, 1, -12.0);
  couple(with, 0, 2, -12.0);
  couple(with, 1, 2, -12.0);
  expect_same(peaks(simulate(with, {.field_mhz = 60})), without, 1e-9, 1e-12);
  expect_same(brute_force(with, 60), without, 1e-7, 1e-9);
  // A spin coupled differently breaks the group: chemically but not magnetically equivalent.
  SpinSystem broken = s;
  couple(broken, 0, 3, 2.0);
  EXPECT_EQ(magnetic_equivalence_groups(broken).size(), 3u);
}

TEST(SpinSystem, FirstOrderNeighboursMoveLinesAsExactDiagonalisationDoes) {
  // A propyl-like A3M2B2 with the B pair strongly coupled to an X (0.3 ppm
  // away at 400 MHz) and M: the same lines whether each neighbour
  // configuration is diagonalised or moves the lines in first order.
  SpinSystem s{{0.9, 0.9, 0.9, 1.6, 1.6, 3.40, 3.45, 3.75}, zeros(8)};
  for (int m : {0, 1, 2})
    for (int k : {3, 4}) couple(s, m, k, 7.3);
  for (int k : {3, 4})
    for (int b : {5, 6}) couple(s, k, b, 6.8);
  couple(s, 5, 6, -11.0);
  couple(s, 5, 7, 4.0), couple(s, 6, 7, 9.0);
  SimulationOptions exact{.field_mhz = 400, .max_cluster_spins = 3, .exact_budget = 1e300};
  SimulationOptions first = exact;
  first.exact_budget = 0;
  const Simulation a = simulate(s, exact), b = simulate(s, first);
  ASSERT_EQ(a.clusters, b.clusters);
  EXPECT_GT(a.clusters.size(), 1u);
  // Intensity within 0.05 Hz of every strong exact line: the same within 2 %.
  for (const Line& l : a.lines) {
    if (l.intensity < 0.01) continue;
    double ia = 0, ib = 0;
    for (const Line& m : a.lines) ia += std::abs(m.hz - l.hz) < 0.05 ? m.intensity : 0;
    for (const Line& m : b.lines) ib += std::abs(m.hz - l.hz) < 0.05 ? m.intensity : 0;
    EXPECT_NEAR(ib, ia, 0.02 * ia + 1e-3) << l.hz;
  }
}

TEST(SpinSystem, EachSpinsLinesSumToOne) {
  SpinSystem s{{7.26, 7.30, 7.35, 7.30, 7.26, 2.35, 2.35, 2.35}, zeros(8)};  // toluene-like
  for (int i = 0; i < 4; ++i) couple(s, i, i + 1, 7.6);
  couple(s, 0, 2, 1.4), couple(s, 2, 4, 1.4), couple(s, 1, 3, 1.4);
  couple(s, 0, 3, 0.6), couple(s, 1, 4, 0.6);
  const Simulation sim = simulate(s, {.field_mhz = 400});
  std::vector<double> by_spin(8, 0);
  double total = 0;
  for (const Line& l : sim.lines) by_spin[l.spin] += l.intensity, total += l.intensity;
  EXPECT_NEAR(total, 8.0, 1e-9);
  EXPECT_NEAR(by_spin[5] + by_spin[6] + by_spin[7], 3.0, 1e-9);  // the methyl, uncoupled
}

TEST(SpinSystem, ForeignCouplingMatrixIsRefused) {
  SpinSystem s{{1.0, 2.0}, {{0, 1}, {2, 0}}};
  EXPECT_THROW(simulate(s), std::invalid_argument);
  EXPECT_THROW(simulate({{1.0, 2.0}, zeros(3)}), std::invalid_argument);
  EXPECT_THROW(simulate({{1.0}, zeros(1)}, {.field_mhz = 0}), std::invalid_argument);
}

TEST(SpinSystem, FortyProtonsTakeUnderAFewSeconds) {
  // A chain of 19 CH2/CH3 groups (40 H), neighbours 7 Hz, geminal pairs
  // diastereotopic (0.02 ppm apart, -13 Hz), shifts 0.1 ppm apart.
  SpinSystem s;
  const int groups = 19;
  std::vector<std::vector<int>> members;
  for (int g = 0; g < groups; ++g) {
    const int size = (g == 0 || g == groups - 1) ? 3 : 2;
    members.emplace_back();
    for (int k = 0; k < size; ++k) {
      members.back().push_back(static_cast<int>(s.shifts_ppm.size()));
      s.shifts_ppm.push_back(1.0 + 0.1 * g + (size == 2 ? 0.02 * k : 0.0));
    }
  }
  const int n = static_cast<int>(s.shifts_ppm.size());
  ASSERT_EQ(n, 40);
  s.j_hz = zeros(n);
  for (int g = 0; g < groups; ++g) {
    if (members[g].size() == 2) couple(s, members[g][0], members[g][1], -13.0);
    if (g + 1 < groups)
      for (int a : members[g])
        for (int b : members[g + 1]) couple(s, a, b, 7.0);
  }
  const auto start = std::chrono::steady_clock::now();
  const Simulation sim = simulate(s, {.field_mhz = 400});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double total = 0;
  for (const Line& l : sim.lines) total += l.intensity;
  EXPECT_NEAR(total, 40.0, 1e-6);
  for (const auto& c : sim.clusters) EXPECT_LE(c.size(), 10u);
  EXPECT_LT(seconds, 5.0);
  RecordProperty("seconds", std::to_string(seconds));
}

TEST(SpinSystem, LorentzianPeaksAtTheLineIntensity) {
  const std::vector<Line> lines = {{400.0, 1.0, 0.5, 0}};
  const auto y = lorentzian_trace(lines, 400, 1.0, 2.0, 0.0, 801);  // 1 Hz a point
  EXPECT_NEAR(y[400], 0.5, 1e-6);                                   // 1.0 ppm at index 400
  EXPECT_NEAR(y[399], 0.5 * 0.25 / (1 + 0.25), 1e-6);               // 1 Hz off, half width 0.5
}

}  // namespace
}  // namespace qmnmr::chem::spectrum
