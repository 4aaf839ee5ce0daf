// Parses NWChem 7 output text: final DFT energy, optimisation convergence, the
// geometry of the LAST optimisation step, isotropic shieldings per atom, the
// ranks and memory NWChem reports, and known failure signatures turned into a
// failure class, NWChem's own line, a fix and one clear message.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chem/geometry.h"

namespace qmnmr::chem {

struct AtomShielding {
  int atom = 0;        // 1-based atom index as NWChem prints it (input order)
  std::string symbol;  // element symbol
  double isotropic = 0;  // ppm
};

// Memory from the "Memory information" header, in MB per rank.
struct NwchemMemory {
  double heap_mb = 0, stack_mb = 0, global_mb = 0, total_mb = 0;
};

// What went wrong, by what the pipeline can do about it. Checked in the order
// listed below the enum (most specific first): every NWChem error also ends in
// MPI_ABORT, so mpi_error only applies when nothing more specific matched.
enum class NwchemFailure {
  none,
  opt_max_steps,         // driver: "Failed to converge in maximum number of steps or ..."
  internal_coordinates,  // autoz's internals unusable: "geom_binvr: #indep variables incorrect"
                         // (four or more collinear atoms, as in 2-butyne)
  scf_not_converged,     // dft: "Calculation failed to converge"
  cphf_not_converged,    // cphf (shielding): "lkain: not converged"
  out_of_memory,         // "schwarz_init: insufficient memory", "xc_setquad: out of memory", MA/GA
  scratch_inaccessible,  // "Fatal Error: scratch directory not accessible" (or permanent)
  basis_missing,         // "failed to locate basis", "has no functions in basis"
  input_rejected,        // "dft_input: unknown directive", unknown cosmo solvent, input errors
  mpi_error,             // MPI/ARMCI/shared-memory failure or an unrecognised abort
  truncated,             // no "Total times" footer and nothing else matched: killed or crashed
};
// Stable snake_case names ("opt_max_steps", ...) for status files and logs.
std::string_view failure_name(NwchemFailure failure);

struct NwchemOutput {
  std::optional<double> total_energy;       // last "Total DFT energy =", Hartree
  bool optimization_converged = false;      // "Optimization converged" seen
  int geometry_tables = 0;                  // "Output coordinates" tables seen
  std::optional<Geometry> first_geometry;   // the input geometry as NWChem read it
  std::optional<Geometry> final_geometry;   // the last table: the optimised geometry
  std::vector<AtomShielding> shieldings;    // in atom order, from the GIAO section
  std::optional<int> nproc;                 // "nproc =" in the header
  std::optional<NwchemMemory> memory;
  bool finished = false;                    // "Total times" footer present
  std::optional<std::string> error;         // set when a failure signature matched
  NwchemFailure failure = NwchemFailure::none;  // set together with `error`
  std::string nwchem_line;    // NWChem's (or mpirun's) own words: the matched line, trimmed
  std::string fix;            // what the user or the pipeline should do about `failure`
  int optimization_steps = 0; // highest driver "Step N" header (step 0 is the start), 0 if none

  bool ok() const { return finished && !error; }
};

// Never throws on odd text: what is absent stays empty, and a truncated or
// failed run sets `error`, `failure`, `nwchem_line` and `fix`. `stderr_text`
// (mpirun's and NWChem's stderr, optional) is searched for failure lines only:
// MPI and shared-memory errors and "exited on signal" reports appear only there.
NwchemOutput parse_nwchem_output(std::string_view text, std::string_view stderr_text = {});

}  // namespace qmnmr::chem
