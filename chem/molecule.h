// Molecule: the one description of a job's molecule that every stage shares.
// load_molecule turns user input (SMILES, XYZ or SDF/MOL text) into an RDKit
// molecule with explicit hydrogens, a checked charge and multiplicity, and a
// starting geometry whose atom order is the order of every geometry we write.
#pragma once
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chem/geometry.h"
#include "chem/stereo.h"

namespace RDKit {
class RWMol;
}

namespace qmnmr::chem {

// What the user gave: the text of a SMILES string or of a whole XYZ/SDF file.
struct MoleculeInput {
  enum class Format { smiles, xyz, sdf };
  Format format = Format::smiles;
  std::string text;
  std::optional<int> charge;        // --charge; otherwise from the input
  std::optional<int> multiplicity;  // --multiplicity; otherwise from the input
  std::string name;                 // kept verbatim; writers sanitise it
};

// Input beyond these is refused before RDKit or the bond perception sees it:
// qmnmr computes at most 100 heavy atoms (LoadOptions::max_heavy_atoms), but
// the salt check writes each fragment's SMILES first, and RDKit's SMILES
// writer recurses once per atom of a chain (a 200,000-atom chain of "C" is a
// stack overflow), while bond perception from XYZ is quadratic in the atoms.
inline constexpr std::size_t kMaxMoleculeTextBytes = 1 << 20;  // a whole SDF/XYZ file
inline constexpr std::size_t kMaxSmilesLength = 4096;          // ~10x a 100-atom salt's
inline constexpr std::size_t kMaxInputAtoms = 1000;  // hydrogens, ions and solvents included

struct LoadOptions {
  std::set<std::string> allowed_elements;  // canonical symbols; empty = any element
  std::string basis_description;           // names the basis in errors, e.g. "6-31G*"
  // Chemists bring 15-40 heavy atoms; far beyond that DFT shieldings of an
  // ensemble take days a conformer.
  int max_heavy_atoms = 100;
  int seed = 42;  // ETKDG seed of the starting geometry
  // false: no starting geometry is embedded for SMILES or 2D SDF input (the
  // Molecule's geometry is then empty). For checks before a job is queued:
  // ETKDG + MMFF on a 94-carbon chain is 10 s of CPU, a denial of service on
  // `qmnmr serve` when it runs in the request.
  bool embed = true;
  // Unspecified stereo in SMILES or 2D SDF input, decided before embedding.
  // XYZ and 3D SDF input take their stereo from the coordinates.
  StereoPolicy stereo = StereoPolicy::fix_enantiomer_or_refuse;
};

// A loaded, checked molecule. `rdkit` holds explicit hydrogens; atom i of
// `rdkit`, `symbols` and `geometry` is the same atom (0-based).
struct Molecule {
  std::shared_ptr<RDKit::RWMol> rdkit;
  int charge = 0;
  int multiplicity = 1;
  std::string canonical_smiles;  // without explicit hydrogens
  std::vector<std::string> symbols;
  Geometry geometry;  // starting geometry, Angstrom
  // True when `geometry` is the input's own (XYZ, 3D SDF); false when RDKit embedded it.
  bool geometry_given = false;
  std::string name;
  // XYZ input: connectivity from distances, bond orders and formal charges perceived
  // (chem/bond_orders.h). False when perception found no assignment: every bond is single,
  // there is no force field typing, and the RDKit conformer search refuses the molecule.
  bool bond_orders_known = true;
  // What load_molecule decided about stereochemistry, for the job's log and
  // report (e.g. "C7 was unspecified; ... computed as (S)"); empty = nothing.
  std::vector<std::string> stereo_notes;
  // What load_molecule removed from a salt or solvate (chem/fragments.h), for
  // the job's warnings; empty when the input was one molecule.
  std::vector<std::string> input_notes;

  size_t atom_count() const { return symbols.size(); }
  size_t heavy_atom_count() const;
  int electron_count() const;  // sum of atomic numbers minus the charge
};

// Parses, checks and embeds. Throws ChemError with a message naming the fix,
// also for input beyond kMaxMoleculeTextBytes, kMaxSmilesLength or
// kMaxInputAtoms.
Molecule load_molecule(const MoleculeInput& input, const LoadOptions& options = {});

// Copies the coordinates of conformer `conf_id` of `mol` into a Geometry.
Geometry geometry_from_rdkit(const RDKit::RWMol& mol, int conf_id = -1);
// Checks that `geometry` has the atoms of `molecule` in the same order.
void check_geometry_matches(const Molecule& molecule, const Geometry& geometry);

}  // namespace qmnmr::chem
