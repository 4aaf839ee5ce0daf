// Stereo elements from RDKit's findPotentialStereo, the load-time policy for
// unspecified ones (with a 3D feasibility test of the candidate isomers),
// stereoisomer enumeration and the 3D stereo check.
#include "chem/stereo.h"

#include <GraphMol/Chirality.h>
#include <GraphMol/Conformer.h>
#include <GraphMol/DistGeomHelpers/Embedder.h>
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

// The policy tests isomers in 3D only up to 2^6 assignments and 8 isomers;
// beyond that it refuses without testing.
constexpr size_t kMaxPolicyOpen = 6;
constexpr size_t kMaxPolicyIsomers = 8;
// Feasibility embedding: short ETKDG runs (an impossible ring system costs
// 10-30 ms per iteration; a possible one embeds in one iteration 50-95% of
// the time), alternately from ETKDG's and random coordinates, with fixed
// seeds. Stop after two failed embeddings; an embedding with the wrong
// configuration is retried with the next seed.
constexpr unsigned kFeasibilityIterations = 4;
constexpr int kFeasibilityAttempts = 8;
constexpr int kFeasibilityMaxFailures = 2;
constexpr int kFeasibilitySeed = 42;
constexpr size_t kMaxExamples = 4;

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

// One stereoisomer of the open elements: the assignment bits and whether it
// differs from its mirror image.
struct Assignment {
  unsigned long mask = 0;
  bool chiral = false;
};

// The distinct assignments of `open` (one per enantiomer pair), lowest mask first.
std::vector<Assignment> distinct_assignments(const RDKit::ROMol& mol,
                                             const std::vector<StereoElement>& open) {
  std::set<std::pair<std::string, std::string>> seen;
  std::vector<Assignment> out;
  for (unsigned long mask = 0; mask < (1UL << open.size()); ++mask) {
    RDKit::RWMol isomer = with_assignment(mol, open, mask);
    std::string s = canonical_smiles(isomer);
    std::string m = canonical_smiles(mirror_image(isomer));
    if (!seen.insert(std::minmax(s, m)).second) continue;
    out.push_back({mask, s != m});
  }
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
  auto assignments = distinct_assignments(mol, open);
  if (assignments.size() > cap)
    throw ChemError("the molecule has " + std::to_string(assignments.size()) +
                    " stereoisomers (enantiomer pairs counted once), more than the limit of " +
                    std::to_string(cap) + "; specify some stereo elements in the SMILES");
  std::vector<std::string> out;
  for (const auto& a : assignments)
    out.push_back(smiles_without_h(with_assignment(mol, open, a.mask), /*canonical=*/false));
  return out;
}

// Whether conformer `conf_id` of `mol` holds every element of `elements` as
// the molecule's chiral tags and bond labels ask. Centres are compared tag by
// tag on the same graph (no perception, which could drop ring cis/trans
// centres); double bonds by the side of their reference atoms.
bool geometry_holds(const RDKit::ROMol& mol, int conf_id,
                    const std::vector<StereoElement>& elements) {
  RDKit::RWMol probe(mol);
  RDKit::MolOps::assignChiralTypesFrom3D(probe, conf_id, /*replaceExistingTags=*/true);
  const auto& conf = mol.getConformer(conf_id);
  for (const auto& e : elements) {
    if (e.kind == StereoElement::Kind::centre) {
      unsigned idx = static_cast<unsigned>(e.atoms[0]);
      auto want = mol.getAtomWithIdx(idx)->getChiralTag();
      if (is_tetrahedral_tag(want) && probe.getAtomWithIdx(idx)->getChiralTag() != want)
        return false;
      continue;
    }
    const auto* bond = mol.getBondBetweenAtoms(static_cast<unsigned>(e.atoms[0]),
                                               static_cast<unsigned>(e.atoms[1]));
    if (!bond || bond->getStereoAtoms().size() != 2) continue;
    auto stereo = bond->getStereo();
    bool want_cis = stereo == RDKit::Bond::STEREOZ || stereo == RDKit::Bond::STEREOCIS;
    bool want_trans = stereo == RDKit::Bond::STEREOE || stereo == RDKit::Bond::STEREOTRANS;
    if (!want_cis && !want_trans) continue;
    // Z and cis mean the stereo atoms (neighbours of the begin and end atom) are cis.
    const auto& a = conf.getAtomPos(bond->getBeginAtomIdx());
    const auto& b = conf.getAtomPos(bond->getEndAtomIdx());
    RDGeom::Point3D axis = b - a;
    axis.normalize();
    RDGeom::Point3D u = conf.getAtomPos(static_cast<unsigned>(bond->getStereoAtoms()[0])) - a;
    RDGeom::Point3D v = conf.getAtomPos(static_cast<unsigned>(bond->getStereoAtoms()[1])) - b;
    u -= axis * u.dotProduct(axis);
    v -= axis * v.dotProduct(axis);
    if ((u.dotProduct(v) > 0) != want_cis) return false;
  }
  return true;
}

// Whether `isomer` can be built in 3D: a short ETKDGv3 embedding succeeds and
// its coordinates hold every element of `elements` as specified (ETKDG can
// return a strained cage with the wrong configuration).
bool buildable(const RDKit::ROMol& isomer, const std::vector<StereoElement>& elements) {
  RDKit::RWMol work(isomer);
  bool implicit_h = false;
  for (const auto* atom : work.atoms()) implicit_h = implicit_h || atom->getTotalNumHs() > 0;
  if (implicit_h) RDKit::MolOps::addHs(work);  // indices of the existing atoms stay
  int failures = 0;
  for (int attempt = 0; attempt < kFeasibilityAttempts && failures < kFeasibilityMaxFailures;
       ++attempt) {
    RDKit::DGeomHelpers::EmbedParameters params = RDKit::DGeomHelpers::ETKDGv3;
    params.randomSeed = kFeasibilitySeed + attempt;
    params.numThreads = 1;
    params.maxIterations = kFeasibilityIterations;
    params.useRandomCoords = attempt % 2 == 1;
    int id = RDKit::DGeomHelpers::EmbedMolecule(work, params);
    if (id < 0) {
      ++failures;
      continue;
    }
    if (geometry_holds(work, id, elements)) return true;
  }
  return false;
}

// "(C4 R, C7 S)" for the open centres with CIP codes; empty when none has one.
std::string cip_summary(const RDKit::ROMol& mol, const std::vector<StereoElement>& open) {
  std::vector<std::string> codes;
  for (const auto& e : open) {
    if (e.kind != StereoElement::Kind::centre) continue;
    std::string cip = cip_code(mol, static_cast<unsigned>(e.atoms[0]));
    if (!cip.empty()) codes.push_back(open.size() == 1 ? cip : e.label + " " + cip);
  }
  return codes.empty() ? "" : "(" + join(codes) + ")";
}

// The isomers of the open elements that can be built in 3D, or nothing when
// there are too many to test.
struct Feasibility {
  bool tested = false;
  size_t assignments = 0;          // distinct assignments (enantiomer pairs once)
  std::vector<Assignment> usable;  // those that can be built
};

Feasibility test_feasibility(const RDKit::ROMol& mol, const StereoReport& report) {
  Feasibility out;
  auto open = open_elements(report);
  if (open.size() > kMaxPolicyOpen) return out;
  // A ring double bond that ETKDG cannot make trans may still exist
  // (trans-cyclooctene): no test, both choices stay.
  for (const auto& e : open) {
    if (e.kind != StereoElement::Kind::double_bond) continue;
    const auto* bond = mol.getBondBetweenAtoms(static_cast<unsigned>(e.atoms[0]),
                                               static_cast<unsigned>(e.atoms[1]));
    if (!mol.getRingInfo()->isInitialized() || mol.getRingInfo()->numBondRings(bond->getIdx()) > 0)
      return out;
  }
  auto all = distinct_assignments(mol, open);
  if (all.size() > kMaxPolicyIsomers) return out;
  out.tested = true;
  out.assignments = all.size();
  for (const auto& a : all)
    if (buildable(with_assignment(mol, open, a.mask), report.elements)) out.usable.push_back(a);
  return out;
}

std::string refusal(const RDKit::ROMol& mol, const StereoReport& report,
                    const Feasibility& feasibility) {
  auto open = open_elements(report);
  std::vector<std::string> open_labels, fixed_labels, how;
  bool fixed_centre = false;
  for (const auto& e : report.elements) {
    (e.specified ? fixed_labels : open_labels).push_back(e.label);
    fixed_centre = fixed_centre || (e.specified && e.kind == StereoElement::Kind::centre);
  }
  for (const auto& e : open) {
    if (e.kind == StereoElement::Kind::centre)
      how.push_back("write " + e.label + " as " +
                    centre_spelling(mol, static_cast<unsigned>(e.atoms[0])));
    else
      how.push_back("give " + e.label +
                    " a geometry with / and \\ on its neighbours (F/C=C/F is "
                    "trans, F/C=C\\F is cis)");
  }
  // Examples: the isomers that can be built, when they were tested.
  bool tested = feasibility.tested && !feasibility.usable.empty();
  std::string why;
  if (open.size() == 1 && open[0].kind == StereoElement::Kind::double_bond && fixed_labels.empty())
    why = "its E and Z isomers are different compounds with different NMR spectra";
  else if (open.size() == 1)
    why = "beside the specified " + join(fixed_labels) +
          " its two choices are diastereomers with different NMR spectra";
  else if (tested && feasibility.usable.size() < feasibility.assignments)
    why = "of their combinations only " + std::to_string(feasibility.usable.size()) +
          " can exist for this ring system" +
          (fixed_centre ? "" : " (enantiomer pairs counted once)") +
          ", and these are diastereomers with different NMR spectra";
  else
    why = "their combinations give diastereomers with different NMR spectra";
  std::vector<std::string> examples;
  try {
    if (tested) {
      for (const auto& a : feasibility.usable)
        if (examples.size() < kMaxExamples)
          examples.push_back(smiles_without_h(with_assignment(mol, open, a.mask), false));
    } else {
      examples.push_back(smiles_without_h(with_assignment(mol, open, 0), false));
    }
  } catch (const std::exception&) {
  }
  return "stereochemistry of " + join(open_labels) + " is unspecified (" +
         std::string(open.size() == 1 ? "it is" : "they are") + " not given in the input) and " +
         why + ": " + join(how, "; ") +
         (examples.empty() ? "" : ", e.g. " + join(examples, " or ")) +
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
  // A ring system can couple the elements (the bridgeheads of camphor): keep
  // only the isomers that can be built in 3D. One left is no ambiguity.
  if (!mol.getRingInfo()->isInitialized()) RDKit::MolOps::findSSSR(mol);
  Feasibility feasibility = test_feasibility(mol, report);
  if (feasibility.tested && feasibility.usable.size() == 1) {
    const Assignment& only = feasibility.usable[0];
    RDKit::RWMol fixed = with_assignment(mol, open, only.mask);
    for (const auto& e : open) {
      if (e.kind == StereoElement::Kind::centre) {
        unsigned idx = static_cast<unsigned>(e.atoms[0]);
        mol.getAtomWithIdx(idx)->setChiralTag(fixed.getAtomWithIdx(idx)->getChiralTag());
      } else {
        const auto* from = fixed.getBondBetweenAtoms(static_cast<unsigned>(e.atoms[0]),
                                                     static_cast<unsigned>(e.atoms[1]));
        auto* to = mol.getBondBetweenAtoms(static_cast<unsigned>(e.atoms[0]),
                                           static_cast<unsigned>(e.atoms[1]));
        to->setStereoAtoms(from->getStereoAtoms()[0], from->getStereoAtoms()[1]);
        to->setStereo(from->getStereo());
      }
    }
    perceive(mol);
    std::vector<std::string> open_labels, fixed_labels;
    bool fixed_centre = false;  // a specified centre: mirror images are not candidates
    for (const auto& e : report.elements) {
      (e.specified ? fixed_labels : open_labels).push_back(e.label);
      fixed_centre = fixed_centre || (e.specified && e.kind == StereoElement::Kind::centre);
    }
    bool one = open.size() == 1;
    std::string what = one ? "its configurations" : "their combinations";
    std::string note = join(open_labels) + (one ? " was" : " were") + " unspecified";
    if (!fixed_labels.empty()) note += " beside the specified " + join(fixed_labels);
    bool others = feasibility.assignments > 1;
    if (others)
      note += "; only one of " + what +
              " can exist for this ring system (the others cannot be built in 3D)";
    if (!fixed_centre) {
      if (only.chiral)
        note += others ? ", and its two enantiomers share one NMR spectrum"
                       : std::string(one ? "; its two configurations are"
                                         : "; their combinations give two") +
                             " enantiomers with the same NMR spectrum";
      else
        note += others ? ", and it is achiral" : "; " + what + " all give the same compound";
    }
    std::string cip = cip_summary(mol, open);
    return {note + ": computed as " + (cip.empty() ? "" : cip + ", ") +
            smiles_without_h(mol, false)};
  }
  throw ChemError(refusal(mol, report, feasibility));
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
