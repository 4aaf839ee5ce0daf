// labelled_smiles, cis_across and label_differences.
#include "support/labels.h"

#include <GraphMol/Conformer.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include <array>

#include "chem/symmetry.h"

namespace qmnmr::testing {

std::string labelled_smiles(const chem::Molecule& m, const chem::Geometry& g, unsigned idx) {
  RDKit::RWMol copy(*m.rdkit);
  copy.clearConformers();
  auto* conf = new RDKit::Conformer(copy.getNumAtoms());
  for (size_t i = 0; i < g.atoms.size(); ++i)
    conf->setAtomPos(static_cast<unsigned>(i),
                     RDGeom::Point3D(g.atoms[i].x, g.atoms[i].y, g.atoms[i].z));
  conf->set3D(true);
  copy.addConformer(conf, true);
  auto* atom = copy.getAtomWithIdx(idx);
  atom->setIsotope(atom->getAtomicNum() == 1 ? 2 : 99);
  RDKit::MolOps::assignStereochemistryFrom3D(copy, -1, true);
  return RDKit::MolToSmiles(copy);
}

bool cis_across(const chem::Geometry& g, unsigned x, unsigned c, unsigned n, unsigned r) {
  auto v = [&](unsigned a, unsigned b) {
    return std::array<double, 3>{g.atoms[b].x - g.atoms[a].x, g.atoms[b].y - g.atoms[a].y,
                                 g.atoms[b].z - g.atoms[a].z};
  };
  auto dot = [](const auto& a, const auto& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; };
  auto axis = v(c, n), u = v(c, x), w = v(n, r);
  const double l = dot(axis, axis), ku = dot(u, axis) / l, kw = dot(w, axis) / l;
  for (int k = 0; k < 3; ++k) u[k] -= ku * axis[k], w[k] -= kw * axis[k];
  return dot(u, w) > 0;
}

std::vector<std::string> label_differences(const chem::Molecule& m,
                                           const chem::Geometry& reference,
                                           const chem::Geometry& g) {
  std::vector<std::string> out;
  for (unsigned i = 0; i < g.atoms.size(); ++i) {
    auto want = labelled_smiles(m, reference, i), got = labelled_smiles(m, g, i);
    if (want != got)
      out.push_back(m.symbols[i] + std::to_string(i + 1) + ": " + got + " against " + want);
  }
  for (const auto& r : chem::hindered_rotors(m))
    if (cis_across(reference, r.x, r.c, r.n, r.r1) != cis_across(g, r.x, r.c, r.n, r.r1))
      out.push_back("amide N-substituent " + m.symbols[r.r1] + std::to_string(r.r1 + 1) +
                    " is on the other side of the C-N bond");
  return out;
}

}  // namespace qmnmr::testing
