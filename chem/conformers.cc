// ETKDGv3 + MMFF94 conformer generation, pruned with RmsdCalculator.
#include "chem/conformers.h"

#include <GraphMol/Descriptors/Lipinski.h>
#include <GraphMol/DistGeomHelpers/Embedder.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>

#include <algorithm>
#include <memory>

#include <limits>

#include "chem/clustering.h"
#include "chem/error.h"
#include "chem/force_field.h"

namespace qmnmr::chem {

int rotatable_bond_count(const Molecule& molecule) {
  if (!molecule.rdkit) throw ChemError("rotatable bonds: the molecule has no RDKit structure");
  // On the hydrogen-suppressed graph: explicit hydrogens would make methyl
  // rotors count.
  std::unique_ptr<RDKit::ROMol> heavy(RDKit::MolOps::removeHs(
      static_cast<const RDKit::ROMol&>(*molecule.rdkit), false, false, true));
  return static_cast<int>(RDKit::Descriptors::calcNumRotatableBonds(*heavy));
}

int embed_count(const Molecule& molecule, const ConformerOptions& options) {
  if (options.count > 0) return options.count;
  return rotatable_bond_count(molecule) > options.many_rotors_threshold
             ? options.many_rotors_count
             : options.default_count;
}

std::vector<Conformer> generate_conformers(const Molecule& molecule,
                                           const ConformerOptions& options) {
  if (!molecule.rdkit) throw ChemError("conformers: the molecule has no RDKit structure");
  if (!molecule.bond_orders_known)
    throw ChemError(
        "the RDKit conformer search needs bond orders, which could not be perceived from the "
        "XYZ input (no closed-shell structure with this charge); check --charge, use the "
        "'single' or 'crest' conformer method, or give the molecule as SMILES or SDF");
  const int count = embed_count(molecule, options);

  RDKit::RWMol mol(*molecule.rdkit);
  RDKit::DGeomHelpers::EmbedParameters params = RDKit::DGeomHelpers::ETKDGv3;
  params.randomSeed = options.seed;
  // Each conformer's seed derives from randomSeed and its index, so the
  // result is the same for any thread count.
  params.numThreads = std::max(1, options.threads);
  // No pruning at embedding time: RDKit's symmetry-aware pruning ignores
  // hydrogens, which would merge OH rotamers; the all-atom pruning runs after
  // optimisation instead.
  std::vector<int> ids = RDKit::DGeomHelpers::EmbedMultipleConfs(mol, count, params);
  if (ids.empty()) {
    params.useRandomCoords = true;
    ids = RDKit::DGeomHelpers::EmbedMultipleConfs(mol, count, params);
  }
  if (ids.empty())
    throw ChemError(
        "ETKDGv3 could not embed any conformer of this molecule; check the structure or use "
        "the 'single' conformer method with an XYZ/SDF input");

  ForceFieldResult ff =
      optimise_conformers(mol, options.max_iterations, std::max(1, options.threads));
  if (ff.kind == ForceFieldKind::none)
    throw ChemError(
        "neither MMFF94 nor UFF has parameters for this molecule; use the 'crest' or 'single' "
        "conformer method");

  std::vector<Geometry> geometries;
  std::vector<double> energies;
  size_t k = 0;
  for (auto it = mol.beginConformers(); it != mol.endConformers(); ++it, ++k) {
    geometries.push_back(geometry_from_rdkit(mol, static_cast<int>((*it)->getId())));
    energies.push_back(ff.energies_kcal.at(k));
  }
  std::vector<Conformer> out;
  for (size_t i : deduplicate(molecule, geometries, energies, options.prune_rmsd_angstrom,
                              std::numeric_limits<double>::infinity())) {
    geometries[i].comment = molecule.name;
    out.push_back({std::move(geometries[i]), energies[i]});
  }
  return out;
}

}  // namespace qmnmr::chem
