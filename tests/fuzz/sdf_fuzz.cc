// libFuzzer target: an SDF/MOL file as an upload or `--sdf FILE` gives it: chem::load_molecule
// (RDKit's molfile parser, salts and solvates, hydrogens, the size, charge, multiplicity and
// stereo checks), which must answer with a Molecule or a ChemError naming the fix.
#include <cstddef>
#include <cstdint>
#include <string>

#include <RDGeneral/RDLog.h>

#include "chem/error.h"
#include "chem/molecule.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  RDLog::InitLogs();
  boost::logging::disable_logs("rdApp.*");  // RDKit's warnings on every odd molfile
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace qmnmr::chem;
  MoleculeInput input;
  input.format = MoleculeInput::Format::sdf;
  input.text.assign(reinterpret_cast<const char*>(data), size);
  try {
    const auto m = load_molecule(input);
    if (m.atom_count() == 0 || m.geometry.atoms.size() != m.atom_count()) __builtin_trap();
    if (m.heavy_atom_count() > static_cast<size_t>(LoadOptions{}.max_heavy_atoms)) __builtin_trap();
  } catch (const ChemError&) {
  }
  return 0;
}
