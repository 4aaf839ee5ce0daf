// Writes NWChem input decks for the two DFT stages: geometry optimisation and
// NMR shielding (SCIENCE.md "Levels of theory"). Every user-derived value is
// validated or sanitised here, because NWChem reads directives line by line
// and a stray newline in a title would be a new directive.
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "chem/functionals.h"
#include "chem/geometry.h"
#include "chem/solvents.h"

namespace qmnmr::chem {

enum class NwchemTask { optimize, shielding };

// Everything one NWChem run needs. Open shell (multiplicity > 1) uses `odft`;
// NWChem 7.0.2 runs `property shielding` open-shell (UHF CPHF) and reports the
// orbital shielding only, without paramagnetic (hyperfine) terms.
struct NwchemInput {
  std::string title;                      // free user text; sanitised on output
  Geometry geometry;                      // Angstrom
  int charge = 0;
  int multiplicity = 1;
  const Functional* functional = &find_functional("b3lyp");  // its xc (and cam) directive
  std::string basis;                      // NWChem library name, e.g. "6-31G*"
  // Elements `basis` lacks -> the library basis they get instead (chem::
  // choose_basis); entries for elements absent from the geometry are ignored.
  std::map<std::string, std::string> element_basis;
  std::string grid;                       // XC grid keyword; empty = NWChem default
  const Solvent* solvent = nullptr;       // nullptr or vacuum: no COSMO block
  int memory_mb = 0;                      // `memory total` per rank, from the resource plan
  std::filesystem::path scratch_dir;      // no whitespace, quotes or control characters
  std::filesystem::path permanent_dir;    // likewise
  NwchemTask task = NwchemTask::optimize;
  std::optional<int> max_opt_steps;       // driver maxiter (optimize only)
  // Driver criteria: "loose", or directives separated by ';' ("gmax 0.00045; xmax
  // 0.0072"), one line each; empty = NWChem's default.
  std::string opt_convergence;
  std::optional<int> max_scf_iterations;  // dft iterations
  // A retry after the SCF did not converge: more iterations, damping and a
  // level shift (slower, but it converges where plain DIIS oscillates).
  bool scf_rescue = false;
  // `direct`: the two-electron integrals recomputed each time instead of
  // cached; the remedy for a CPHF that does not converge under COSMO
  // (SCIENCE.md), used for that retry only (cached is faster).
  bool direct = false;
  // Redundant internal coordinates (`autoz`) for the optimiser instead of
  // Cartesians (`noautoz`); NWChem falls back to Cartesians where it cannot
  // build them.
  bool internal_coordinates = false;
  // Orbitals in the same basis to start the SCF from (`vectors input`): the
  // optimisation's converged ones for a shielding at the same basis. Empty:
  // NWChem's atomic guess. Same validation as the scratch folders.
  std::filesystem::path start_orbitals;
  // The optimiser starts from a Cartesian Hessian (`inhess 2`) instead of its
  // diagonal guess: NWChem reads <permanent_dir>/<start_name>.hess, which the
  // caller writes (chem::nwchem_hessian_text) for this input's geometry.
  bool initial_hessian = false;
  std::string start_name = "qmnmr";       // database/file prefix: [A-Za-z0-9_-]
};

// Optimisation steps allowed per NWChem run for a molecule of `atoms` atoms
// (NWChem's default of 20 is too few beyond a handful of atoms). A run that
// uses them all is continued from its last geometry by the pipeline.
int optimisation_step_budget(size_t atoms);

// The input deck text. Throws ChemError on an unusable value (bad path,
// unknown element, charge/multiplicity that do not fit the electron count).
std::string write_nwchem_input(const NwchemInput& input);

// The title reduced to characters that are inert in NWChem input: letters,
// digits, space and _ - . , + ( ) [ ] / : = (others become '_'), one line, at
// most 80 characters, never empty.
std::string sanitize_nwchem_title(std::string_view title);

}  // namespace qmnmr::chem
