// Stereo elements from RDKit's findPotentialStereo, the load-time policy for
// unspecified ones, stereoisomer enumeration and the 3D stereo check.
#include "chem/stereo.h"

#include <GraphMol/Chirality.h>
#include <GraphMol/Conformer.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "chem/error.h"
#include "chem/molecule.h"

namespace qmnmr::chem {
namespace {

constexpr size_t kMaxEnumerated = 12;  // 2^12 assignments at most
constexpr const char* kIndexProp = "qmnmr_index";

std::string atom_label(const RDKit::ROMol& mol, unsigned idx) {
  return mol.getAtomWithIdx(idx)->getSymbol() + std::to_string(idx + 1);
}

std::string join(const std::vector<std::string>& items, const std::string& sep = ", ") {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

bool is_tetrahedral_tag(RDKit::Atom::ChiralType t) {
  return t == RDKit::Atom::CHI_TETRAHEDRAL_CW || t == RDKit::Atom::CHI_TETRAHEDRAL_CCW;
}

RDKit::Atom::ChiralType inverted(RDKit::Atom::ChiralType t) {
  if (t == RDKit::Atom::CHI_TETRAHEDRAL_CW) return RDKit::Atom::CHI_TETRAHEDRAL_CCW;
  if (t == RDKit::Atom::CHI_TETRAHEDRAL_CCW) return RDKit::Atom::CHI_TETRAHEDRAL_CW;
  return t;
}

bool bond_has_stereo(const RDKit::Bond* b) { return b->getStereo() > RDKit::Bond::STEREOANY; }

// A neighbour of `end` other than `other` on a double bond, heavy atoms first,
// then the lowest index: the reference atom of a cis/trans label.
unsigned reference_neighbour(const RDKit::ROMol& mol, const RDKit::Atom* end, unsigned other) {
  int best = -1;
  bool best_heavy = false;
  for (const auto* nb : mol.atomNeighbors(end)) {
    unsigned idx = nb->getIdx();
    if (idx == other) continue;
    bool heavy = nb->getAtomicNum() > 1;
    if (best < 0 || (heavy && !best_heavy)) {
      best = static_cast<int>(idx);
      best_heavy = heavy;
    }
  }
  return static_cast<unsigned>(best);
}

void set_bond_stereo(RDKit::ROMol& mol, RDKit::Bond* bond, bool cis) {
  unsigned a = bond->getBeginAtomIdx(), b = bond->getEndAtomIdx();
  bond->setStereoAtoms(reference_neighbour(mol, mol.getAtomWithIdx(a), b),
                       reference_neighbour(mol, mol.getAtomWithIdx(b), a));
  bond->setStereo(cis ? RDKit::Bond::STEREOCIS : RDKit::Bond::STEREOTRANS);
}

// Recomputes CIP codes and stereo flags after tags changed (legacy perception).
void perceive(RDKit::ROMol& mol) {
  // cleanIt would drop cis/trans bond labels that have no bond directions.
  RDKit::MolOps::assignStereochemistry(mol, /*cleanIt=*/false, /*force=*/true);
}

// Isomeric SMILES with hydrogens implicit; `canonical` false keeps the atom order.
std::string smiles_without_h(const RDKit::ROMol& mol, bool canonical) {
  std::unique_ptr<RDKit::ROMol> noh(RDKit::MolOps::removeHs(mol, false, false, true));
  perceive(*noh);
  return RDKit::MolToSmiles(*noh, /*doIsomericSmiles=*/true, /*doKekule=*/false,
                            /*rootedAtAtom=*/-1, canonical);
}

// Canonical isomeric SMILES, stabilised by one round trip through the parser.
std::string canonical_smiles(const RDKit::ROMol& mol) {
  std::string first = smiles_without_h(mol, true);
  std::unique_ptr<RDKit::RWMol> again(RDKit::SmilesToMol(first));
  if (!again) return first;
  return RDKit::MolToSmiles(*again);
}

// `mol` with the unspecified elements set by the bits of `mask`.
RDKit::RWMol with_assignment(const RDKit::ROMol& mol, const std::vector<StereoElement>& open,
                             unsigned long mask) {
  RDKit::RWMol out(mol);
  for (size_t k = 0; k < open.size(); ++k) {
    bool bit = (mask >> k) & 1UL;
    const auto& e = open[k];
    if (e.kind == StereoElement::Kind::centre) {
      out.getAtomWithIdx(e.atoms[0])
          ->setChiralTag(bit ? RDKit::Atom::CHI_TETRAHEDRAL_CW : RDKit::Atom::CHI_TETRAHEDRAL_CCW);
    } else {
      set_bond_stereo(out, out.getBondBetweenAtoms(e.atoms[0], e.atoms[1]), bit);
    }
  }
  perceive(out);
  return out;
}

RDKit::RWMol mirror_image(const RDKit::ROMol& mol) {
  RDKit::RWMol out(mol);
  for (auto* atom : out.atoms()) atom->setChiralTag(inverted(atom->getChiralTag()));
  perceive(out);
  return out;
}

std::string cip_code(const RDKit::ROMol& mol, unsigned idx) {
  std::string code;
  mol.getAtomWithIdx(idx)->getPropIfPresent(RDKit::common_properties::_CIPCode, code);
  return code;
}

// How to write a centre with its chirality in SMILES: "[C@H] or [C@@H]".
std::string centre_spelling(const RDKit::ROMol& mol, unsigned idx) {
  const auto* atom = mol.getAtomWithIdx(idx);
  unsigned h = atom->getTotalNumHs(/*includeNeighbors=*/true);
  std::string hs = h == 0 ? "" : (h == 1 ? "H" : "H" + std::to_string(h));
  int q = atom->getFormalCharge();
  std::string charge = q == 0 ? "" : (q > 0 ? "+" : "-");
  if (q > 1 || q < -1) charge += std::to_string(q > 0 ? q : -q);
  std::string sym = atom->getSymbol();
  return "[" + sym + "@" + hs + charge + "] or [" + sym + "@@" + hs + charge + "]";
}

std::vector<StereoElement> open_elements(const StereoReport& report) {
  std::vector<StereoElement> out;
  for (const auto& e : report.elements)
    if (!e.specified) out.push_back(e);
  return out;
}

// The distinct stereoisomers (one per enantiomer pair) of the open elements,
// in input atom order, or throws past `cap`.
std::vector<std::string> enumerate(const RDKit::ROMol& mol, size_t cap) {
  auto open = open_elements(analyse_stereo(mol));
  if (open.size() > kMaxEnumerated)
    throw ChemError("the molecule has " + std::to_string(open.size()) +
                    " unspecified stereo elements (up to " + std::to_string(1UL << open.size()) +
                    " stereoisomers), more than the limit of " + std::to_string(cap) +
                    "; specify them in the SMILES");
  std::set<std::pair<std::string, std::string>> seen;
  std::vector<std::string> out;
  for (unsigned long mask = 0; mask < (1UL << open.size()); ++mask) {
    RDKit::RWMol isomer = with_assignment(mol, open, mask);
    std::string s = canonical_smiles(isomer);
    std::string m = canonical_smiles(mirror_image(isomer));
    if (!seen.insert(std::minmax(s, m)).second) continue;
    out.push_back(smiles_without_h(isomer, /*canonical=*/false));
  }
  if (out.size() > cap)
    throw ChemError("the molecule has " + std::to_string(out.size()) +
                    " stereoisomers (enantiomer pairs counted once), more than the limit of " +
                    std::to_string(cap) + "; specify some stereo elements in the SMILES");
  return out;
}

std::string refusal(const RDKit::ROMol& mol, const StereoReport& report) {
  auto open = open_elements(report);
  std::vector<std::string> open_labels, fixed_labels, how;
  for (const auto& e : report.elements)
    (e.specified ? fixed_labels : open_labels).push_back(e.label);
  for (const auto& e : open) {
    if (e.kind == StereoElement::Kind::centre)
      how.push_back("write " + e.label + " as " +
                    centre_spelling(mol, static_cast<unsigned>(e.atoms[0])));
    else
      how.push_back("give " + e.label +
                    " a geometry with / and \\ on its neighbours (F/C=C/F is "
                    "trans, F/C=C\\F is cis)");
  }
  std::string why;
  if (open.size() == 1 && open[0].kind == StereoElement::Kind::double_bond && fixed_labels.empty())
    why = "its E and Z isomers are different compounds with different NMR spectra";
  else if (open.size() == 1)
    why = "beside the specified " + join(fixed_labels) +
          " its two choices are diastereomers with different NMR spectra";
  else
    why = "their combinations give diastereomers with different NMR spectra";
  std::string example;
  try {
    example = smiles_without_h(with_assignment(mol, open, 0), false);
  } catch (const std::exception&) {
  }
  return "stereochemistry of " + join(open_labels) + " is unspecified (" +
         std::string(open.size() == 1 ? "it is" : "they are") + " not given in the input) and " +
         why + ": " + join(how, "; ") + (example.empty() ? "" : ", e.g. " + example) +
         "; or run with --stereoisomers all to compute every stereoisomer";
}

}  // namespace

size_t StereoReport::unspecified_count() const {
  return static_cast<size_t>(std::count_if(elements.begin(), elements.end(),
                                           [](const StereoElement& e) { return !e.specified; }));
}

size_t StereoReport::specified_count() const { return elements.size() - unspecified_count(); }

StereoReport analyse_stereo(const RDKit::ROMol& mol) {
  // On the hydrogen-suppressed graph: with explicit hydrogens RDKit misses the
  // ring cis/trans centres (1,4-dimethylcyclohexane). Atoms remember their index.
  RDKit::RWMol with_h(mol);
  for (auto* atom : with_h.atoms())
    atom->setProp<int>(kIndexProp, static_cast<int>(atom->getIdx()));
  if (!with_h.getRingInfo()->isInitialized()) RDKit::MolOps::findSSSR(with_h);
  std::unique_ptr<RDKit::ROMol> copy(
      RDKit::MolOps::removeHs(static_cast<const RDKit::ROMol&>(with_h), false, false, false));
  if (!copy->getRingInfo()->isInitialized()) RDKit::MolOps::findSSSR(*copy);
  auto original = [&](unsigned idx) {
    return static_cast<unsigned>(copy->getAtomWithIdx(idx)->getProp<int>(kIndexProp));
  };
  auto infos = RDKit::Chirality::findPotentialStereo(*copy, /*cleanIt=*/false,
                                                     /*flagPossible=*/true);
  StereoReport report;
  std::vector<StereoElement> bonds;
  for (const auto& info : infos) {
    StereoElement e;
    e.specified = info.specified == RDKit::Chirality::StereoSpecified::Specified;
    if (info.type == RDKit::Chirality::StereoType::Atom_Tetrahedral) {
      e.kind = StereoElement::Kind::centre;
      unsigned idx = original(info.centeredOn);
      e.atoms = {static_cast<int>(idx)};
      e.label = atom_label(mol, idx);
      report.elements.push_back(e);
    } else if (info.type == RDKit::Chirality::StereoType::Bond_Double) {
      const auto* bond = copy->getBondWithIdx(info.centeredOn);
      unsigned u = original(bond->getBeginAtomIdx()), v = original(bond->getEndAtomIdx());
      unsigned a = std::min(u, v), b = std::max(u, v);
      e.kind = StereoElement::Kind::double_bond;
      e.atoms = {static_cast<int>(a), static_cast<int>(b)};
      e.label = atom_label(mol, a) + "=" + atom_label(mol, b);
      bonds.push_back(e);
    }
  }
  auto by_atoms = [](const StereoElement& x, const StereoElement& y) { return x.atoms < y.atoms; };
  std::sort(report.elements.begin(), report.elements.end(), by_atoms);
  std::sort(bonds.begin(), bonds.end(), by_atoms);
  report.elements.insert(report.elements.end(), bonds.begin(), bonds.end());
  return report;
}

std::vector<std::string> apply_stereo_policy(RDKit::RWMol& mol, StereoPolicy policy) {
  if (policy == StereoPolicy::keep) return {};
  StereoReport report = analyse_stereo(mol);
  auto open = open_elements(report);
  if (open.empty()) return {};
  if (open.size() == 1 && report.elements.size() == 1 &&
      open[0].kind == StereoElement::Kind::centre) {
    RDKit::RWMol fixed = with_assignment(mol, open, 0);
    unsigned idx = static_cast<unsigned>(open[0].atoms[0]);
    mol.getAtomWithIdx(idx)->setChiralTag(fixed.getAtomWithIdx(idx)->getChiralTag());
    perceive(mol);
    std::string cip = cip_code(mol, idx);
    std::string smiles = smiles_without_h(mol, false);
    return {open[0].label +
            " was unspecified; its two configurations are enantiomers with the same NMR "
            "spectrum: computed as " +
            (cip.empty() ? std::string("one of them") : "(" + cip + ")") + ", " + smiles};
  }
  throw ChemError(refusal(mol, report));
}

std::vector<std::string> enumerate_stereoisomers(const RDKit::ROMol& mol, size_t cap) {
  return enumerate(mol, cap);
}

std::vector<std::string> enumerate_stereoisomers(const Molecule& molecule, size_t cap) {
  if (!molecule.rdkit) throw ChemError("stereoisomers: the molecule has no RDKit structure");
  return enumerate(*molecule.rdkit, cap);
}

void assign_stereo_from_3d(RDKit::RWMol& mol, int conf_id) {
  RDKit::MolOps::assignStereochemistryFrom3D(mol, conf_id, /*replaceExistingTags=*/true);
}

std::vector<std::string> stereo_changes(const Molecule& molecule, const Geometry& geometry) {
  if (!molecule.rdkit) throw ChemError("stereo check: the molecule has no RDKit structure");
  check_geometry_matches(molecule, geometry);
  RDKit::RWMol ref(*molecule.rdkit);
  perceive(ref);
  RDKit::RWMol got(*molecule.rdkit);
  got.clearConformers();
  auto* conf = new RDKit::Conformer(got.getNumAtoms());
  for (size_t i = 0; i < geometry.atoms.size(); ++i) {
    const auto& a = geometry.atoms[i];
    conf->setAtomPos(static_cast<unsigned>(i), RDGeom::Point3D(a.x, a.y, a.z));
  }
  conf->set3D(true);
  int id = static_cast<int>(got.addConformer(conf, /*assignId=*/true));
  assign_stereo_from_3d(got, id);

  // `got` with the input's specified elements imposed: if it equals `got`,
  // the geometry holds the input's stereoisomer (e.g. both ring centres of
  // cis-1,4-dimethylcyclohexane flipped is still the cis isomer).
  RDKit::RWMol imposed(got);
  bool any = false;
  for (const auto* atom : ref.atoms())
    if (is_tetrahedral_tag(atom->getChiralTag())) {
      imposed.getAtomWithIdx(atom->getIdx())->setChiralTag(atom->getChiralTag());
      any = true;
    }
  for (const auto* bond : ref.bonds())
    if (bond_has_stereo(bond) && bond->getStereoAtoms().size() == 2) {
      auto* target = imposed.getBondWithIdx(bond->getIdx());
      target->setStereoAtoms(bond->getStereoAtoms()[0], bond->getStereoAtoms()[1]);
      target->setStereo(bond->getStereo());
      any = true;
    }
  if (!any) return {};
  perceive(imposed);
  if (canonical_smiles(imposed) == canonical_smiles(got)) return {};

  std::vector<std::string> changes;
  for (const auto* atom : ref.atoms()) {
    if (!is_tetrahedral_tag(atom->getChiralTag())) continue;
    unsigned idx = atom->getIdx();
    auto now = got.getAtomWithIdx(idx)->getChiralTag();
    if (now == atom->getChiralTag()) continue;
    std::string before = cip_code(ref, idx), after = cip_code(got, idx);
    if (before.empty() || after.empty() || before == after) {
      before = atom->getChiralTag() == RDKit::Atom::CHI_TETRAHEDRAL_CW ? "@@" : "@";
      after = now == RDKit::Atom::CHI_TETRAHEDRAL_CW ? "@@" : (is_tetrahedral_tag(now) ? "@" : "");
    }
    changes.push_back(atom_label(ref, idx) + (is_tetrahedral_tag(now)
                                                  ? " inverted from " + before + " to " + after
                                                  : " lost its configuration " + before +
                                                        " (planar or unassignable in 3D)"));
  }
  for (const auto* bond : ref.bonds()) {
    if (!bond_has_stereo(bond)) continue;
    // Both sides carry RDKit's CIP-based E/Z labels (legacy perception).
    auto before = bond->getStereo(), after = got.getBondWithIdx(bond->getIdx())->getStereo();
    if (before == after) continue;
    auto name = [](RDKit::Bond::BondStereo s) -> std::string {
      switch (s) {
        case RDKit::Bond::STEREOE:
          return "E";
        case RDKit::Bond::STEREOZ:
          return "Z";
        case RDKit::Bond::STEREOCIS:
          return "cis";
        case RDKit::Bond::STEREOTRANS:
          return "trans";
        default:
          return "unspecified";
      }
    };
    unsigned a = std::min(bond->getBeginAtomIdx(), bond->getEndAtomIdx());
    unsigned b = std::max(bond->getBeginAtomIdx(), bond->getEndAtomIdx());
    changes.push_back(atom_label(ref, a) + "=" + atom_label(ref, b) + " changed from " +
                      name(before) + " to " + name(after));
  }
  if (changes.empty())
    changes.push_back("stereochemistry changed: " + canonical_smiles(imposed) + " became " +
                      canonical_smiles(got));
  return changes;
}

}  // namespace qmnmr::chem
