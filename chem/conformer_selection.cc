// select_for_dft: the energy-first conformer cap with near-tie diversity and the weight
// it leaves out.
#include "chem/conformer_selection.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "chem/clustering.h"
#include "chem/error.h"

namespace qmnmr::chem {

Selection select_for_dft(const Molecule& molecule, const std::vector<Geometry>& geometries,
                         const std::vector<double>& energies_kcal, size_t cap,
                         double temperature_k) {
  const size_t n = energies_kcal.size();
  if (cap == 0)
    throw ChemError("conformer cap is 0; at least the lowest-energy conformer must go to DFT, "
                    "set the cap to 1 or more");
  if (geometries.size() != n)
    throw ChemError("conformer selection: " + std::to_string(geometries.size()) +
                    " geometries but " + std::to_string(n) +
                    " energies; give one energy per geometry");
  if (!(temperature_k > 0))
    throw ChemError("conformer selection: temperature must be positive (K), e.g. 298.15");
  for (size_t i = 0; i < n; ++i)
    if (!std::isfinite(energies_kcal[i]))
      throw ChemError("conformer selection: energy " + std::to_string(i + 1) +
                      " is not finite; drop that conformer before selecting");
  Selection out;
  if (n == 0) return out;

  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return energies_kcal[a] < energies_kcal[b]; });

  std::vector<size_t> chosen;
  if (cap >= n) {
    chosen = order;
  } else {
    RmsdCalculator rmsd(molecule);
    chosen.push_back(order[0]);  // the minimum, always
    size_t next = 1;
    while (chosen.size() < cap && next < n) {
      // The near-tie group starting at `next`.
      size_t end = next;
      while (end < n && energies_kcal[order[end]] - energies_kcal[order[next]] <= kNearTieKcal)
        ++end;
      size_t slots = cap - chosen.size();
      if (end - next <= slots) {
        chosen.insert(chosen.end(), order.begin() + next, order.begin() + end);
      } else {
        std::vector<size_t> group(order.begin() + next, order.begin() + end);
        // Distance of each group member to the nearest chosen geometry, kept up to date.
        std::vector<double> nearest(group.size(), std::numeric_limits<double>::infinity());
        for (size_t g = 0; g < group.size(); ++g)
          for (size_t c : chosen)
            nearest[g] = std::min(nearest[g], rmsd(geometries[c], geometries[group[g]]));
        std::vector<bool> taken(group.size(), false);
        for (size_t s = 0; s < slots; ++s) {
          size_t best = group.size();
          for (size_t g = 0; g < group.size(); ++g)  // ties go to the lower energy
            if (!taken[g] && (best == group.size() || nearest[g] > nearest[best])) best = g;
          taken[best] = true;
          chosen.push_back(group[best]);
          for (size_t g = 0; g < group.size(); ++g)
            if (!taken[g])
              nearest[g] =
                  std::min(nearest[g], rmsd(geometries[group[best]], geometries[group[g]]));
        }
      }
      next = end;
    }
  }
  std::stable_sort(chosen.begin(), chosen.end(),
                   [&](size_t a, size_t b) { return energies_kcal[a] < energies_kcal[b]; });

  // Boltzmann weights relative to the minimum.
  const double rt = kGasConstantKcal * temperature_k;
  const double emin = energies_kcal[order[0]];
  std::vector<double> w(n);
  double total = 0;
  for (size_t i = 0; i < n; ++i) total += w[i] = std::exp(-(energies_kcal[i] - emin) / rt);
  std::vector<bool> in(n, false);
  for (size_t c : chosen) in[c] = true;
  double left = 0;
  for (size_t i = 0; i < n; ++i)
    if (!in[i]) left += w[i];
  out.indices = std::move(chosen);
  out.left_out_weight = left / total;
  return out;
}

}  // namespace qmnmr::chem
