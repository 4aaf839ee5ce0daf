// MMFF94/UFF optimisation through RDKit's convenience functions.
#include "chem/force_field.h"

#include <GraphMol/GraphMol.h>
// GraphMol.h first: the helpers below use ROMol without including it.
#include <GraphMol/ForceFieldHelpers/MMFF/MMFF.h>
#include <GraphMol/ForceFieldHelpers/UFF/AtomTyper.h>
#include <GraphMol/ForceFieldHelpers/UFF/UFF.h>

namespace qmnmr::chem {

ForceFieldResult optimise_conformers(RDKit::ROMol& mol, int max_iterations, int threads) {
  ForceFieldResult out;
  std::vector<std::pair<int, double>> results;
  RDKit::MMFF::MMFFMolProperties props(mol);
  if (props.isValid()) {
    RDKit::MMFF::MMFFOptimizeMoleculeConfs(mol, results, threads, max_iterations);
    out.kind = ForceFieldKind::mmff94;
  } else if (RDKit::UFF::getAtomTypes(mol).second) {
    RDKit::UFF::UFFOptimizeMoleculeConfs(mol, results, threads, max_iterations);
    out.kind = ForceFieldKind::uff;
  } else {
    return out;
  }
  for (const auto& [not_converged, energy] : results) {
    out.energies_kcal.push_back(energy);
    out.converged.push_back(not_converged == 0);
  }
  return out;
}

std::string to_string(ForceFieldKind kind) {
  switch (kind) {
    case ForceFieldKind::mmff94:
      return "MMFF94";
    case ForceFieldKind::uff:
      return "UFF";
    case ForceFieldKind::none:
      return "none";
  }
  return "none";
}

}  // namespace qmnmr::chem
