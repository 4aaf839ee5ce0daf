// The job's 1H spectrum as the spectrometer shows it: H-H couplings of every
// shielded conformer (chem/spectrum/couplings.h) averaged with the
// conformers' Boltzmann weights and over equivalent pairs, each signal's
// first-order multiplet, and the spin-system simulation at the field, written
// as output/spectrum_1H_<field>MHz.csv and .jdx (JCAMP-DX).
#pragma once
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "chem/molecule.h"
#include "runner/pipeline/ensemble.h"

namespace qmnmr::runner {

struct H1SpectrumOptions {
  double field_mhz = 400;
  double line_width_hz = 1.0;  // full width at half height of each line
  double points_per_hz = 4;
};

struct H1Spectrum {
  nlohmann::json couplings;  // [{atoms, indices, bonds, j_hz, relation}], averaged
  nlohmann::json spectrum;   // {field_mhz, line_width_hz, multiplets, files, notes}
};

// `h1_shifts`: results.json's rows (index 1-based, atom, shift); `classes`:
// each atom's equivalence class (chem::nmr_equivalence_classes). Writes the
// files into `out_dir`.
H1Spectrum h1_spectrum(const chem::Molecule& molecule,
                       const std::vector<const Conformer*>& shielded,
                       const nlohmann::json& h1_shifts, const std::vector<int>& classes,
                       const std::filesystem::path& out_dir, const H1SpectrumOptions& options = {});

}  // namespace qmnmr::runner
