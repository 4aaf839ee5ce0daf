// Energy windows, Boltzmann weights and weighted shielding averages.
#include "chem/ensemble.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "chem/error.h"

namespace qmnmr::chem {
namespace {

double checked_minimum(const std::vector<double>& energies) {
  double lowest = INFINITY;
  for (size_t i = 0; i < energies.size(); ++i) {
    if (!std::isfinite(energies[i]))
      throw ChemError("conformer " + std::to_string(i + 1) + " has a non-finite energy");
    lowest = std::min(lowest, energies[i]);
  }
  return lowest;
}

// Absorbs Hartree -> kcal/mol rounding so a conformer exactly at the edge stays in.
constexpr double kWindowSlackKcal = 1e-9;

}  // namespace

std::vector<double> relative_energies_kcal(const std::vector<double>& energies_hartree) {
  std::vector<double> out;
  if (energies_hartree.empty()) return out;
  const double lowest = checked_minimum(energies_hartree);
  for (double e : energies_hartree) out.push_back((e - lowest) * kHartreeToKcal);
  return out;
}

std::vector<size_t> within_energy_window(const std::vector<double>& energies_hartree,
                                         double window_kcal) {
  if (!(window_kcal >= 0))
    throw ChemError("energy window must be zero or more kcal/mol");
  std::vector<size_t> kept;
  const auto relative = relative_energies_kcal(energies_hartree);
  for (size_t i = 0; i < relative.size(); ++i)
    if (relative[i] <= window_kcal + kWindowSlackKcal) kept.push_back(i);
  return kept;
}

std::vector<double> boltzmann_weights(const std::vector<double>& energies_hartree,
                                      double temperature_k) {
  if (energies_hartree.empty()) throw ChemError("no conformers to weight");
  if (!(temperature_k > 0)) throw ChemError("temperature must be above 0 k");
  const auto relative = relative_energies_kcal(energies_hartree);
  const double rt = kGasConstantKcal * temperature_k;
  std::vector<double> w;
  double sum = 0;
  for (double de : relative) {
    w.push_back(std::exp(-de / rt));  // de >= 0, so each term is in (0, 1]
    sum += w.back();
  }
  for (double& x : w) x /= sum;  // sum >= 1: the minimum contributes exactly 1
  return w;
}

std::vector<double> weighted_shieldings(const std::vector<std::vector<double>>& shieldings,
                                        const std::vector<double>& weights) {
  if (shieldings.size() != weights.size())
    throw ChemError(std::to_string(shieldings.size()) + " shielding sets but " +
                    std::to_string(weights.size()) + " weights");
  if (shieldings.empty()) return {};
  std::vector<double> out(shieldings.front().size(), 0.0);
  for (size_t c = 0; c < shieldings.size(); ++c) {
    if (shieldings[c].size() != out.size())
      throw ChemError("conformer " + std::to_string(c + 1) + " has " +
                      std::to_string(shieldings[c].size()) + " shieldings, conformer 1 has " +
                      std::to_string(out.size()));
    for (size_t a = 0; a < out.size(); ++a) out[a] += weights[c] * shieldings[c][a];
  }
  return out;
}

}  // namespace qmnmr::chem
