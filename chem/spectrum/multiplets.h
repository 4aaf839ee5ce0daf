// A signal's multiplet as a chemist reports it ("dd, J = 10.5, 7.6 Hz"),
// read from the couplings of its group of equivalent H: couplings to each
// other group, groups whose couplings to it agree within `merge_hz` counted
// together (n equivalent partners make n + 1 lines), partners coupled more
// weakly than `resolution_hz` left out. A signal is "m" where the first-order
// picture fails - a partner within `strong_ratio` of |J| / |delta nu| at the
// field, or more than three distinct couplings - and "s" with no partner.
#pragma once
#include <string>
#include <vector>

namespace qmnmr::chem::spectrum {

struct SignalGroup {
  double shift_ppm = 0;
  int count = 1;  // equivalent H in the group
};

struct MultipletOptions {
  double field_mhz = 400;
  double resolution_hz = 1.0;  // smaller couplings are not resolved
  double merge_hz = 0.8;       // couplings closer than this read as one
  double strong_ratio = 0.1;   // |J| / |delta nu| from which a pattern is second order
};

struct Multiplet {
  std::string label;           // "s", "d", "t", "q", "quint", "sext", "sept", "dd", "dt", ... "m"
  std::vector<double> j_hz;    // the resolved couplings, largest first (one per letter)
};

// `j_hz[g][h]`: the coupling between a member of group g and a member of
// group h (averaged over the members), symmetric.
std::vector<Multiplet> first_order_multiplets(const std::vector<SignalGroup>& groups,
                                              const std::vector<std::vector<double>>& j_hz,
                                              const MultipletOptions& options = {});

}  // namespace qmnmr::chem::spectrum
