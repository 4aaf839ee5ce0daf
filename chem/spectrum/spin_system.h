// A 1H spin system's spectrum from its spin Hamiltonian: shifts and J
// couplings in, the transitions (frequency, intensity) out, exact within each
// cluster of strongly coupled spins and first order between clusters.
//
// The Hamiltonian in the rotating frame, in Hz, at a spectrometer frequency
// `field_mhz` (the 1H Larmor frequency):
//   H = sum_i nu_i Iz_i + sum_{i<j} J_ij (I_i . I_j),   nu_i = delta_i * field_mhz
// It conserves the total Fz, so it is diagonalised block by block (states of
// equal Fz); the lines are the F- transitions between neighbouring blocks,
// intensity |<b|F-|a>|^2 (high-temperature limit), each spin's lines summing
// to 1. Magnetically equivalent spins (equal shift, equal couplings to every
// other spin) keep no coupling between them: it changes no line. Spins are
// split into clusters where |J| / |nu_i - nu_j| joins them strongly; a
// cluster larger than `max_cluster_spins` is cut at its weakest links. The
// clusters act on each other in first order: each eigenstate of a
// neighbouring cluster (on its own) shifts this cluster's frequencies by
// sum_d J_cd <Iz_d> (the X approximation, generalised to a strongly coupled
// neighbour), exact in the limit |J| << |nu_c - nu_d|.
#pragma once
#include <cstddef>
#include <vector>

namespace qmnmr::chem::spectrum {

struct SpinSystem {
  std::vector<double> shifts_ppm;          // one per spin
  std::vector<std::vector<double>> j_hz;   // symmetric, zero diagonal, n x n
};

struct SimulationOptions {
  double field_mhz = 400.0;
  // Spins join a cluster where |J| / |delta nu| is at least this; below it the
  // first-order treatment is off by about (J / delta nu)^2 * J.
  double strong_ratio = 0.01;
  std::size_t max_cluster_spins = 10;
  // Couplings smaller than this (Hz) are left out (far below any line width).
  double min_coupling_hz = 0.05;
  // Up to this work (configurations of a cluster's neighbours x the sum of
  // its Fz blocks' sizes cubed) each configuration is diagonalised exactly;
  // past it the cluster is diagonalised once and each configuration moves its
  // lines in first order (a 5-spin cluster stays exact up to ~1000
  // configurations, a 10-spin one for one).
  double exact_budget = 4e7;
};

struct Line {
  double hz = 0;         // from the reference (delta 0), at field_mhz
  double ppm = 0;
  double intensity = 0;  // one spin's lines sum to 1
  int spin = -1;         // the spin whose transition this mostly is (largest share)
};

struct Simulation {
  std::vector<Line> lines;                   // sorted by frequency
  std::vector<std::vector<int>> clusters;    // spin indices, each spin in one
};

// Throws std::invalid_argument for a J matrix of the wrong shape or an
// asymmetric one, a non-positive field.
Simulation simulate(const SpinSystem& system, const SimulationOptions& options = {});

// Groups of magnetically equivalent spins: equal shift (within 1e-9 ppm) and
// equal couplings (within 1e-6 Hz) to every spin outside the group.
std::vector<std::vector<int>> magnetic_equivalence_groups(const SpinSystem& system);

// The spectrum on a grid: Lorentzian lines of full width at half height
// `width_hz`, from ppm_max down to ppm_min (the NMR convention), `points`
// values; the heights are the sum of the lines' Lorentzians scaled so that a
// single line of intensity 1 peaks at 1.
std::vector<double> lorentzian_trace(const std::vector<Line>& lines, double field_mhz,
                                     double width_hz, double ppm_max, double ppm_min,
                                     std::size_t points);

}  // namespace qmnmr::chem::spectrum
