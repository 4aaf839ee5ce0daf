// GFN2-xTB optimisation: the argv the runner spawns and the parser of xtb's
// stdout/stderr. The optimised geometry is `xtbopt.xyz` in the run directory,
// read with chem::parse_xyz.
//
// Environment the runner must set for xtb (and crest): OMP_NUM_THREADS and
// MKL_NUM_THREADS = threads from the resource plan, OPENBLAS_NUM_THREADS=1,
// OMP_STACKSIZE=2G (xtb overflows the default OpenMP stack on larger
// molecules), OMP_MAX_ACTIVE_LEVELS=1. xtb reads and writes restart files
// (xtbrestart, charges, wbo) in its cwd: run each conformer in its own folder.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chem/solvents.h"

namespace qmnmr::chem {

// `xtb <xyz> --opt --gfn 2 [--alpb <name>] --chrg <q> --uhf <u>`; --alpb is
// omitted when the solvent has no ALPB model (vacuum, pyridine).
std::vector<std::string> xtb_argv(const std::filesystem::path& xyz, const Solvent& solvent,
                                  int charge, int uhf);

// The environment variables xtb/crest need, for the runner to add.
std::vector<std::pair<std::string, std::string>> xtb_environment(int threads);

struct XtbResult {
  std::optional<double> total_energy;  // last "TOTAL ENERGY ... Eh", Hartree
  // "GEOMETRY OPTIMIZATION CONVERGED". Not converging is not an error: xtb
  // still writes xtbopt.xyz and the energy, and DFT optimises further.
  bool optimization_converged = false;
  bool normal_termination = false;      // "normal termination of xtb"
  std::optional<std::string> error;     // failure message when the run is unusable
  // xtb's own words for the failure, trimmed: the root "-1- ..." line of its
  // "[ERROR]" block, else the "[ERROR]" line, else "abnormal termination of
  // xtb"; empty when xtb reported nothing (or nothing went wrong).
  std::string xtb_line;

  bool ok() const { return !error; }
};

// Parses xtb's stdout (and, when given, stderr, where xtb 6.5 writes
// "normal termination of xtb"). Never throws.
XtbResult parse_xtb_output(std::string_view stdout_text, std::string_view stderr_text = {});

}  // namespace qmnmr::chem
