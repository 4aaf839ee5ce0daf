// Starting geometry for bench-optimiser: SMILES -> ETKDGv3 (seed 42) + MMFF94 XYZ plus counts.
#include <GraphMol/Descriptors/Lipinski.h>
#include <GraphMol/DistGeomHelpers/Embedder.h>
#include <GraphMol/ForceFieldHelpers/MMFF/MMFF.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/SmilesParse/SmilesParse.h>

#include <cstdio>
#include <iostream>
#include <memory>

// Usage: embed SMILES  -> stdout: "# charge C heavy H rotatable R mmff M" then XYZ block.
int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: embed SMILES\n";
    return 2;
  }
  std::unique_ptr<RDKit::RWMol> mol(RDKit::SmilesToMol(argv[1]));
  if (!mol) {
    std::cerr << "bad SMILES\n";
    return 1;
  }
  const unsigned heavy = mol->getNumAtoms();
  const unsigned rot = RDKit::Descriptors::calcNumRotatableBonds(*mol);
  RDKit::MolOps::addHs(*mol);
  RDKit::DGeomHelpers::EmbedParameters params = RDKit::DGeomHelpers::ETKDGv3;
  params.randomSeed = 42;
  params.numThreads = 1;
  int id = RDKit::DGeomHelpers::EmbedMolecule(*mol, params);
  if (id < 0) {
    params.useRandomCoords = true;
    id = RDKit::DGeomHelpers::EmbedMolecule(*mol, params);
  }
  if (id < 0) {
    std::cerr << "embedding failed\n";
    return 1;
  }
  auto res = RDKit::MMFF::MMFFOptimizeMolecule(*mol, 2000);
  int charge = 0;
  for (const auto* a : mol->atoms()) charge += a->getFormalCharge();
  const auto& conf = mol->getConformer(id);
  std::printf("# charge %d heavy %u rotatable %u mmff_status %d mmff_energy %.4f\n", charge, heavy,
              rot, res.first, res.second);
  std::printf("%u\n\n", mol->getNumAtoms());
  for (const auto* a : mol->atoms()) {
    const auto& p = conf.getAtomPos(a->getIdx());
    std::printf("%-2s %14.8f %14.8f %14.8f\n", a->getSymbol().c_str(), p.x, p.y, p.z);
  }
  return 0;
}
