// Loading a molecule from SMILES, XYZ or SDF/MOL text: parse, add hydrogens,
// check charge, multiplicity, elements and size, and make a starting geometry
// (ETKDGv3 + MMFF94, UFF when MMFF lacks parameters).
#include "chem/molecule.h"

#include <GraphMol/DistGeomHelpers/Embedder.h>
#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/PeriodicTable.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>
#include <RDGeneral/RDLog.h>

#include <cmath>
#include <mutex>
#include <sstream>

#include "chem/bond_orders.h"
#include "chem/error.h"
#include "chem/fragments.h"
#include "chem/force_field.h"
#include "chem/topology.h"

namespace qmnmr::chem {
namespace {

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, s.find_first_not_of(ws));
  s.erase(s.find_last_not_of(ws) + 1);
  return s;
}

// RDKit reports SMILES syntax errors through its error log, not the exception;
// capture that text while parsing. The logger is global, hence the mutex.
std::mutex log_mutex;

std::unique_ptr<RDKit::RWMol> parse_smiles(const std::string& smiles) {
  std::ostringstream log;
  std::unique_ptr<RDKit::RWMol> mol;
  std::string reason;
  {
    std::lock_guard<std::mutex> lock(log_mutex);
    if (rdErrorLog) rdErrorLog->SetTee(log);
    try {
      mol.reset(RDKit::SmilesToMol(smiles));
    } catch (const std::exception& e) {
      reason = e.what();
    }
    if (rdErrorLog) rdErrorLog->ClearTee();
  }
  if (!mol) {
    if (reason.empty()) {
      // Keep the last non-empty log line, without RDKit's timestamp prefix.
      std::istringstream lines(log.str());
      for (std::string line; std::getline(lines, line);) {
        line = trim(line);
        if (line.empty()) continue;
        auto pos = line.find("ERROR: ");
        reason = pos == std::string::npos ? line : line.substr(pos + 7);
      }
    }
    if (reason.empty()) reason = "RDKit could not parse it";
    throw ChemError("invalid SMILES '" + smiles + "': " + reason +
                    "; check the string, e.g. ethanol is CCO");
  }
  return mol;
}

std::unique_ptr<RDKit::RWMol> parse_molblock(const std::string& text) {
  std::unique_ptr<RDKit::RWMol> mol;
  try {
    mol.reset(RDKit::MolBlockToMol(text, /*sanitize=*/true, /*removeHs=*/false));
  } catch (const std::exception& e) {
    throw ChemError(std::string("invalid SDF/MOL input: ") + e.what() +
                    "; check that the file is a V2000/V3000 molfile or SD file");
  }
  if (!mol)
    throw ChemError(
        "invalid SDF/MOL input: RDKit found no molecule; check that the file is a "
        "V2000/V3000 molfile or SD file");
  return mol;
}

// Builds a molecule from XYZ coordinates: connectivity from covalent radii
// (perceive_bonds), all bonds single, no valence sanitisation (bond orders are unknown).
std::unique_ptr<RDKit::RWMol> molecule_from_xyz(const Geometry& g) {
  auto mol = std::make_unique<RDKit::RWMol>();
  auto* conf = new RDKit::Conformer(g.atoms.size());
  for (size_t i = 0; i < g.atoms.size(); ++i) {
    auto* atom = new RDKit::Atom(atomic_number(g.atoms[i].symbol));
    atom->setNoImplicit(true);
    mol->addAtom(atom, /*updateLabel=*/false, /*takeOwnership=*/true);
    conf->setAtomPos(i, RDGeom::Point3D(g.atoms[i].x, g.atoms[i].y, g.atoms[i].z));
  }
  conf->set3D(true);
  for (const auto& [i, j] : perceive_bonds(g))
    mol->addBond(static_cast<unsigned>(i), static_cast<unsigned>(j), RDKit::Bond::SINGLE);
  mol->addConformer(conf, /*assignId=*/true);
  mol->updatePropertyCache(/*strict=*/false);
  RDKit::MolOps::findSSSR(*mol);
  return mol;
}

void add_hydrogens(RDKit::RWMol& mol, bool with_coords) {
  RDKit::MolOps::addHs(mol, /*explicitOnly=*/false, /*addCoords=*/with_coords);
}

bool has_implicit_hydrogens(const RDKit::RWMol& mol) {
  for (const auto* atom : mol.atoms())
    if (atom->getNumImplicitHs() > 0) return true;
  return false;
}

int formal_charge_sum(const RDKit::RWMol& mol) {
  int sum = 0;
  for (const auto* atom : mol.atoms()) sum += atom->getFormalCharge();
  return sum;
}

int radical_electrons(const RDKit::RWMol& mol) {
  int sum = 0;
  for (const auto* atom : mol.atoms()) sum += static_cast<int>(atom->getNumRadicalElectrons());
  return sum;
}

// ETKDGv3 embedding with a fixed seed, then MMFF94 (UFF as fallback).
void embed_starting_geometry(RDKit::RWMol& mol, int seed) {
  RDKit::DGeomHelpers::EmbedParameters params = RDKit::DGeomHelpers::ETKDGv3;
  params.randomSeed = seed;
  params.numThreads = 1;
  int id = RDKit::DGeomHelpers::EmbedMolecule(mol, params);
  if (id < 0) {
    params.useRandomCoords = true;
    id = RDKit::DGeomHelpers::EmbedMolecule(mol, params);
  }
  if (id < 0)
    throw ChemError(
        "could not embed a 3D geometry for this molecule (ETKDGv3 failed, also from random "
        "coordinates); check the structure, or give an XYZ/SDF file with coordinates");
  optimise_conformers(mol, 2000);  // keeps the ETKDG geometry when no force field applies
}

std::string canonical_smiles_of(const RDKit::RWMol& mol) {
  try {
    std::unique_ptr<RDKit::ROMol> noh(RDKit::MolOps::removeHs(mol, false, false, true));
    return RDKit::MolToSmiles(*noh);
  } catch (const std::exception&) {
    try {
      return RDKit::MolToSmiles(mol);
    } catch (const std::exception&) {
      return {};
    }
  }
}

std::string format_name(MoleculeInput::Format f);

// Refuses a parsed input of more atoms than any molecule qmnmr computes could
// bring, before anything walks its graph.
void check_input_atoms(size_t atoms, MoleculeInput::Format format) {
  if (atoms > kMaxInputAtoms)
    throw ChemError("the " + format_name(format) + " input has " + std::to_string(atoms) +
                    " atoms, more than qmnmr reads (" + std::to_string(kMaxInputAtoms) +
                    "); qmnmr computes molecules of up to 100 heavy atoms: give one molecule");
}

std::string format_name(MoleculeInput::Format f) {
  switch (f) {
    case MoleculeInput::Format::smiles:
      return "SMILES";
    case MoleculeInput::Format::xyz:
      return "XYZ";
    case MoleculeInput::Format::sdf:
      return "SDF";
  }
  return "input";
}

}  // namespace

size_t Molecule::heavy_atom_count() const {
  size_t n = 0;
  for (const auto& s : symbols)
    if (s != "H") ++n;
  return n;
}

int Molecule::electron_count() const {
  int z = 0;
  for (const auto& s : symbols) z += atomic_number(s);
  return z - charge;
}

Geometry geometry_from_rdkit(const RDKit::RWMol& mol, int conf_id) {
  const auto& conf = mol.getConformer(conf_id);
  Geometry g;
  g.atoms.reserve(mol.getNumAtoms());
  for (const auto* atom : mol.atoms()) {
    const auto& p = conf.getAtomPos(atom->getIdx());
    g.atoms.push_back({atom->getSymbol(), p.x, p.y, p.z});
  }
  return g;
}

void check_geometry_matches(const Molecule& molecule, const Geometry& geometry) {
  if (geometry.atoms.size() != molecule.symbols.size())
    throw ChemError("geometry has " + std::to_string(geometry.atoms.size()) +
                    " atoms but the molecule has " + std::to_string(molecule.symbols.size()) +
                    "; geometries must keep the molecule's atoms and order");
  for (size_t i = 0; i < geometry.atoms.size(); ++i)
    if (geometry.atoms[i].symbol != molecule.symbols[i])
      throw ChemError("geometry atom " + std::to_string(i + 1) + " is " +
                      geometry.atoms[i].symbol + " but the molecule has " + molecule.symbols[i] +
                      " there; geometries must keep the molecule's atom order");
}

namespace {

Molecule load_checked(const MoleculeInput& input, const LoadOptions& options) {
  Molecule m;
  m.name = input.name;
  std::unique_ptr<RDKit::RWMol> mol;
  bool has_coordinates = false;
  bool charge_from_input = true;  // SMILES/SDF carry formal charges; XYZ does not
  std::vector<std::string> removed;  // counter-ions and solvents of a salt or solvate

  if (input.text.size() > kMaxMoleculeTextBytes)
    throw ChemError("the " + format_name(input.format) + " input is " +
                    std::to_string(input.text.size()) + " bytes, more than qmnmr reads (" +
                    std::to_string(kMaxMoleculeTextBytes) +
                    "); a molecule qmnmr computes takes a few kB: give one molecule");
  switch (input.format) {
    case MoleculeInput::Format::smiles: {
      std::string smiles = trim(input.text);
      if (smiles.empty())
        throw ChemError("empty SMILES: give a molecule, e.g. ethanol is CCO");
      if (smiles.size() > kMaxSmilesLength)
        throw ChemError("the SMILES has " + std::to_string(smiles.size()) +
                        " characters, more than qmnmr reads (" +
                        std::to_string(kMaxSmilesLength) +
                        "); qmnmr computes molecules of up to 100 heavy atoms");
      mol = parse_smiles(smiles);
      check_input_atoms(mol->getNumAtoms(), input.format);
      removed = keep_one_fragment(mol);
      add_hydrogens(*mol, false);
      break;
    }
    case MoleculeInput::Format::sdf: {
      if (trim(input.text).empty()) throw ChemError("empty SDF/MOL input: the file has no text");
      mol = parse_molblock(input.text);
      check_input_atoms(mol->getNumAtoms(), input.format);
      removed = keep_one_fragment(mol);
      has_coordinates = mol->getNumConformers() > 0 && mol->getConformer().is3D();
      if (has_implicit_hydrogens(*mol)) add_hydrogens(*mol, has_coordinates);
      if (has_coordinates) assign_stereo_from_3d(*mol);
      break;
    }
    case MoleculeInput::Format::xyz: {
      if (trim(input.text).empty()) throw ChemError("empty XYZ input: the file has no text");
      const Geometry xyz = parse_xyz(input.text);
      check_input_atoms(xyz.atoms.size(), input.format);
      mol = molecule_from_xyz(xyz);
      assign_stereo_from_3d(*mol);
      has_coordinates = true;
      charge_from_input = false;
      // Bond orders and formal charges from connectivity and --charge; without an
      // assignment the bonds stay single and bond_orders_known false.
      m.bond_orders_known = perceive_bond_orders(*mol, input.charge.value_or(0));
      break;
    }
  }
  if (!removed.empty()) {
    std::string list;
    for (const auto& r : removed) list += (list.empty() ? "" : ", ") + r;
    bool neutral_with_nitrogen = formal_charge_sum(*mol) == 0;
    bool nitrogen = false;
    for (const auto* atom : mol->atoms()) nitrogen |= atom->getAtomicNum() == 7;
    neutral_with_nitrogen &= nitrogen;
    m.input_notes.push_back(
        "the input is a salt or solvate: removed " + list +
        " (known counter-ions or solvents) and computed the remaining molecule alone, with its "
        "own formal charge" +
        std::string(neutral_with_nitrogen
                        ? "; if it was measured as a salt (a hydrochloride), write the "
                          "protonated form, e.g. C[NH3+] for methylamine hydrochloride"
                        : ""));
  }
  if (mol->getNumAtoms() == 0)
    throw ChemError("the " + format_name(input.format) +
                    " input holds no atoms; give a molecule, e.g. ethanol is CCO");

  for (const auto* atom : mol->atoms()) {
    if (atom->getAtomicNum() < 1)
      throw ChemError("the molecule holds a dummy or query atom ('" + atom->getSymbol() +
                      "'); replace it with a real element");
    m.symbols.push_back(atom->getSymbol());
  }

  // Elements the basis sets cover.
  if (!options.allowed_elements.empty()) {
    std::set<std::string> missing;
    for (const auto& s : m.symbols)
      if (!options.allowed_elements.count(s)) missing.insert(s);
    if (!missing.empty()) {
      std::string basis =
          options.basis_description.empty() ? "the chosen basis sets" : options.basis_description;
      throw ChemError("element" + std::string(missing.size() > 1 ? "s " : " ") + join(missing) +
                      (missing.size() > 1 ? " are" : " is") + " not covered by " + basis +
                      " (covered: " + join(options.allowed_elements) +
                      "); choose a preset whose basis sets cover them");
    }
  }

  // Size limit.
  if (m.heavy_atom_count() > static_cast<size_t>(options.max_heavy_atoms))
    throw ChemError("the molecule has " + std::to_string(m.heavy_atom_count()) +
                    " heavy atoms, more than qmnmr's limit of " +
                    std::to_string(options.max_heavy_atoms) +
                    " (DFT shieldings at this size take days a conformer); compute a smaller "
                    "model of the part whose shifts you need");

  // Charge.
  if (charge_from_input) {
    int formal = formal_charge_sum(*mol);
    if (input.charge && *input.charge != formal)
      throw ChemError("charge " + std::to_string(*input.charge) + " disagrees with the " +
                      format_name(input.format) + " input, whose formal charges sum to " +
                      std::to_string(formal) +
                      "; drop the charge option or write the charges into the structure, "
                      "e.g. C[NH3+]");
    m.charge = formal;
  } else {
    m.charge = input.charge.value_or(0);
  }

  // Multiplicity.
  int electrons = m.electron_count();
  if (electrons <= 0)
    throw ChemError("the molecule has " + std::to_string(electrons) +
                    " electrons with charge " + std::to_string(m.charge) +
                    "; check the charge");
  if (input.multiplicity) {
    int mult = *input.multiplicity;
    if (mult < 1)
      throw ChemError("multiplicity " + std::to_string(mult) +
                      " is invalid: it must be 1 or more (1 singlet, 2 doublet, 3 triplet)");
    int unpaired = mult - 1;
    if (unpaired > electrons || (electrons - unpaired) % 2 != 0)
      throw ChemError("multiplicity " + std::to_string(mult) + " is impossible for " +
                      std::to_string(electrons) + " electrons (charge " +
                      std::to_string(m.charge) + "); " +
                      (electrons % 2 == 0 ? "an even electron count needs an odd multiplicity "
                                            "(1, 3, ...)"
                                          : "an odd electron count needs an even multiplicity "
                                            "(2, 4, ...)") +
                      ", or check the charge");
    m.multiplicity = mult;
  } else if (charge_from_input) {
    m.multiplicity = radical_electrons(*mol) + 1;
    if ((electrons - (m.multiplicity - 1)) % 2 != 0) m.multiplicity = electrons % 2 + 1;
  } else {
    m.multiplicity = electrons % 2 == 0 ? 1 : 2;
  }

  // Stereochemistry, before embedding: ETKDG would pick unspecified elements
  // at random. Coordinates already fixed it.
  if (!has_coordinates) m.stereo_notes = apply_stereo_policy(*mol, options.stereo);

  // Starting geometry.
  if (!has_coordinates && options.embed) embed_starting_geometry(*mol, options.seed);
  if (mol->getNumConformers() > 0) m.geometry = geometry_from_rdkit(*mol);
  m.geometry_given = has_coordinates;
  m.geometry.comment = input.name;
  m.canonical_smiles = canonical_smiles_of(*mol);
  m.rdkit = std::shared_ptr<RDKit::RWMol>(mol.release());
  return m;
}

}  // namespace

Molecule load_molecule(const MoleculeInput& input, const LoadOptions& options) {
  try {
    return load_checked(input, options);
  } catch (const ChemError&) {
    throw;
  } catch (const std::exception& e) {
    // RDKit's own failures on odd input (an Invariant from the embedder, a
    // sanitisation error from addHs, ...): the input's fault, not qmnmr's.
    throw ChemError("RDKit could not process the " + format_name(input.format) + " input (" +
                    e.what() + "); check the structure: its atoms, charges and bonds");
  }
}

}  // namespace qmnmr::chem
