// Force-field optimisation of RDKit conformers: MMFF94, or UFF when MMFF lacks
// parameters. The only file that includes RDKit's ForceFieldHelpers headers,
// which define non-inline functions (a second including file breaks the link).
#pragma once
#include <string>
#include <vector>

namespace RDKit {
class ROMol;
}

namespace qmnmr::chem {

enum class ForceFieldKind { mmff94, uff, none };

struct ForceFieldResult {
  ForceFieldKind kind = ForceFieldKind::none;
  std::vector<double> energies_kcal;  // one per conformer, in conformer order
  std::vector<bool> converged;
};

// Optimises every conformer of `mol` in place; conformers are independent, so
// the result does not depend on `threads`. kind == none (and no energies) when
// neither force field has parameters.
ForceFieldResult optimise_conformers(RDKit::ROMol& mol, int max_iterations, int threads = 1);

std::string to_string(ForceFieldKind kind);

}  // namespace qmnmr::chem
