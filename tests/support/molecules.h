// Test-only: molecules for the chem tests, from SMILES or from a file of tests/data.
#pragma once
#include <filesystem>
#include <string>

#include "chem/molecule.h"
#include "queue/atomic_file.h"

namespace qmnmr::testing {

// The text of tests/data/<rel>.
inline std::string test_data(const std::string& rel) {
  return queue::read_file(std::filesystem::path(QMNMR_TEST_DATA_DIR) / rel);
}

inline chem::Molecule molecule_from_smiles(const std::string& smiles) {
  chem::MoleculeInput in;
  in.text = smiles;
  return chem::load_molecule(in);
}

// An XYZ file of tests/data (connectivity from covalent radii).
inline chem::Molecule molecule_from_xyz_data(const std::string& rel) {
  chem::MoleculeInput in;
  in.format = chem::MoleculeInput::Format::xyz;
  in.text = test_data(rel);
  return chem::load_molecule(in);
}

}  // namespace qmnmr::testing
