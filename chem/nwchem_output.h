// Parses NWChem 7 output text: final DFT energy, optimisation convergence, the
// geometry of the LAST optimisation step, isotropic shieldings per atom, the
// ranks and memory NWChem reports, and known failure signatures turned into
// one clear message.
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

  bool ok() const { return finished && !error; }
};

// Never throws on odd text: what is absent stays empty, and a truncated or
// failed run sets `error`.
NwchemOutput parse_nwchem_output(std::string_view text);

}  // namespace qmnmr::chem
