// First-order multiplet labels from group couplings.
#include "chem/spectrum/multiplets.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace qmnmr::chem::spectrum {
namespace {

// The letter for n equivalent partners (n + 1 lines).
std::string letter(int n) {
  switch (n) {
    case 1: return "d";
    case 2: return "t";
    case 3: return "q";
    case 4: return "quint";
    case 5: return "sext";
    case 6: return "sept";
    default: return "";
  }
}

}  // namespace

std::vector<Multiplet> first_order_multiplets(const std::vector<SignalGroup>& groups,
                                              const std::vector<std::vector<double>>& j,
                                              const MultipletOptions& o) {
  const std::size_t n = groups.size();
  if (j.size() != n)
    throw std::invalid_argument("multiplets: the coupling matrix has the wrong size");
  std::vector<Multiplet> out(n);
  for (std::size_t g = 0; g < n; ++g) {
    if (j[g].size() != n)
      throw std::invalid_argument("multiplets: the coupling matrix has the wrong size");
    struct Partner {
      double j;
      int count;
    };
    std::vector<Partner> partners;
    bool second_order = false;
    for (std::size_t h = 0; h < n; ++h) {
      if (h == g || std::abs(j[g][h]) < o.resolution_hz) continue;
      const double dnu = std::abs(groups[g].shift_ppm - groups[h].shift_ppm) * o.field_mhz;
      if (std::abs(j[g][h]) >= o.strong_ratio * dnu) second_order = true;
      partners.push_back({std::abs(j[g][h]), groups[h].count});
    }
    // Equal couplings (within merge_hz) act as one set of equivalent partners.
    std::sort(partners.begin(), partners.end(),
              [](const Partner& a, const Partner& b) { return a.j > b.j; });
    std::vector<Partner> merged;
    for (const Partner& p : partners) {
      if (!merged.empty() && merged.back().j - p.j < o.merge_hz) {
        Partner& m = merged.back();
        m.j = (m.j * m.count + p.j * p.count) / (m.count + p.count);
        m.count += p.count;
      } else {
        merged.push_back(p);
      }
    }
    Multiplet& m = out[g];
    if (merged.empty()) {
      m.label = "s";
      continue;
    }
    std::string label;
    for (const Partner& p : merged) {
      const std::string l = letter(p.count);
      if (l.empty()) second_order = true;  // more than six equal partners: report "m"
      label += l;
      m.j_hz.push_back(p.j);
    }
    if (second_order || merged.size() > 3) {
      m.label = "m";
      m.j_hz.clear();
    } else {
      m.label = label;
    }
  }
  return out;
}

}  // namespace qmnmr::chem::spectrum
