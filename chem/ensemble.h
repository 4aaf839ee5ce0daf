// Conformer ensembles: energy windows relative to the minimum and Boltzmann
// weights at 298.15 K (SCIENCE.md "Conformers and averaging"), and the
// weighted average of per-atom shieldings, kept unrounded.
#pragma once
#include <cstddef>
#include <vector>

namespace qmnmr::chem {

inline constexpr double kGasConstantKcal = 0.001987204;  // R, kcal/(mol K)
inline constexpr double kRoomTemperature = 298.15;       // K
inline constexpr double kHartreeToKcal = 627.5095;       // kcal/mol per Hartree
inline constexpr double kXtbWindowKcal = 6.0;            // before DFT
inline constexpr double kDftWindowKcal = 3.0;            // after DFT optimisation

// Energies (Hartree) relative to the lowest, in kcal/mol. Empty in, empty out.
std::vector<double> relative_energies_kcal(const std::vector<double>& energies_hartree);

// Indices (ascending) of the energies within `window_kcal` of the minimum
// (inclusive). Throws ChemError on a negative window or a non-finite energy.
std::vector<size_t> within_energy_window(const std::vector<double>& energies_hartree,
                                         double window_kcal);

// Boltzmann weights, summing to 1, computed relative to the minimum so large
// absolute energies do not overflow. Throws ChemError on empty input or a
// non-finite energy.
std::vector<double> boltzmann_weights(const std::vector<double>& energies_hartree,
                                      double temperature_k = kRoomTemperature);

// sum_i w_i * shieldings[i][atom] per atom. Throws ChemError when the sizes
// disagree (a conformer with another atom count).
std::vector<double> weighted_shieldings(const std::vector<std::vector<double>>& shieldings,
                                        const std::vector<double>& weights);

}  // namespace qmnmr::chem
