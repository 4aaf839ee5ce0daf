// The ensemble a job carries through its stages: each conformer with its
// state (an enum), energies, geometry, shieldings and, when it was dropped,
// why. Saved whole in each stage's done-record, so a resumed job continues
// with exactly what the last finished stage left.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "chem/geometry.h"

namespace qmnmr::runner {

enum class ConformerState {
  generated,            // from the conformer search
  xtb_optimized,        // GFN2-xTB minimum
  xtb_window_rejected,  // above the xTB energy window
  xtb_duplicate,        // the same minimum as a lower one
  xtb_not_selected,     // inside the window but beyond the cap
  selected,             // goes to the DFT optimisation
  dft_optimized,        // DFT minimum
  dft_duplicate,        // collapsed onto another DFT minimum
  dft_window_rejected,  // above the DFT energy window
  dft_selected,         // goes to the shielding run
  shielded,             // has shieldings: part of the average
  dropped,              // a program failed on it, or it changed: `failure` says why
};

std::string_view state_name(ConformerState state);
// Throws std::invalid_argument for a name that is not a state.
ConformerState state_from_name(std::string_view name);

// Why a conformer left the ensemble although its energy would have kept it.
struct ConformerFailure {
  std::string stage;         // xtb | dft_opt | shielding
  std::string kind;          // failure class, e.g. opt_max_steps, topology_changed
  std::string message;       // one line: what happened and the fix
  std::string program_line;  // the program's own words, when it said something
  std::string log;           // the log file to read
  bool final = true;         // false: a resume may try again (killed, time limit, MPI)

  nlohmann::json to_json() const;
  static ConformerFailure from_json(const nlohmann::json& j);
};

struct Conformer {
  int id = 0;  // 1-based, stable across stages
  chem::Geometry geometry;
  std::optional<double> mmff_kcal, xtb_hartree, dft_hartree;
  ConformerState state = ConformerState::generated;
  std::vector<double> shieldings;
  double weight = 0;
  int dft_opt_steps = 0;  // optimisation steps NWChem took, over all its runs
  // The mirror image of this conformer: DFT computes that one only, and this one
  // takes its energy, its mirrored geometry and its shieldings (runner/pipeline/
  // mirror_images.h).
  std::optional<int> mirror_of;
  std::optional<ConformerFailure> failure;

  nlohmann::json to_json() const;
  static Conformer from_json(const nlohmann::json& j);
};

struct Ensemble {
  std::vector<Conformer> conformers;
  std::string conformer_source;  // single | rdkit | crest | rdkit (crest unavailable)
  std::vector<std::string> warnings;
  // Boltzmann weight (xTB energies) of conformers inside the window that the
  // cap on DFT conformers left out; 0 when none was.
  double cap_left_out_weight = 0;
  nlohmann::json results;  // the average stage's output

  nlohmann::json to_json() const;
  static Ensemble from_json(const nlohmann::json& j);
  std::vector<Conformer*> with_state(ConformerState state);
  void warn(std::string message) { warnings.push_back(std::move(message)); }
};

// "conf_007".
std::string conformer_dir_name(int id);

}  // namespace qmnmr::runner
