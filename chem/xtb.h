// GFN2-xTB runs: the argv the runner spawns and the parser of xtb's
// stdout/stderr. An optimisation's geometry is `xtbopt.xyz` in the run
// directory, read with chem::parse_xyz.
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

// What an xtb run computes: an optimisation (the geometry in xtbopt.xyz), or
// the Hessian of the geometry as given (`hessian`, a Turbomole $hessian block,
// read by chem::parse_xtb_hessian; xtb warns, and goes on, when the geometry is
// not a minimum).
enum class XtbTask { optimise, hessian };

// `xtb <xyz> --opt|--hess --gfn 2 [--alpb <name>] --chrg <q> --uhf <u>`; --alpb
// is omitted when the solvent has no ALPB model (vacuum, pyridine).
std::vector<std::string> xtb_argv(const std::filesystem::path& xyz, const Solvent& solvent,
                                  int charge, int uhf, XtbTask task = XtbTask::optimise);

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
