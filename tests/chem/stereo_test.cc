// Stereo elements, the load-time stereo policy, stereoisomer enumeration and
// the check that a 3D geometry kept the molecule's configuration.
#include "chem/stereo.h"

#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <set>

#include "chem/conformers.h"
#include "chem/error.h"
#include "chem/molecule.h"
#include "support/molecules.h"

namespace qmnmr::chem {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using qmnmr::testing::molecule_from_smiles;

StereoReport report_of(const std::string& smiles) {
  std::unique_ptr<RDKit::RWMol> mol(RDKit::SmilesToMol(smiles));
  return analyse_stereo(*mol);
}

std::string load_error(const std::string& smiles) {
  try {
    molecule_from_smiles(smiles);
  } catch (const ChemError& e) {
    return e.what();
  }
  return "no error";
}

// The example SMILES a refusal gives after "e.g. ", separated by " or ".
std::vector<std::string> examples_in(const std::string& error) {
  std::vector<std::string> out;
  auto pos = error.find("e.g. ");
  if (pos == std::string::npos) return out;
  std::string list = error.substr(pos + 5, error.find(';', pos) - pos - 5);
  for (size_t start = 0;;) {
    size_t end = list.find(" or ", start);
    out.push_back(list.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 4;
  }
  return out;
}

double load_ms(const std::string& smiles) {
  auto start = std::chrono::steady_clock::now();
  load_error(smiles);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

Geometry mirrored(Geometry g) {
  for (auto& a : g.atoms) a.z = -a.z;
  return g;
}

TEST(StereoAnalysis, ChainCH2AndGemDimethylAreNotCentres) {
  EXPECT_TRUE(report_of("CCC(C)(C)CCO").elements.empty());
  EXPECT_TRUE(report_of("CC(C)C").elements.empty());
  // One end carries two methyls: no E/Z.
  EXPECT_TRUE(report_of("CC(C)=CC").elements.empty());
  EXPECT_TRUE(report_of("c1ccccc1C").elements.empty());
  EXPECT_TRUE(report_of("C1=CCCCC1").elements.empty());  // ring double bond: no E/Z
}

TEST(StereoAnalysis, CentreLabelsAreOneBasedWithElement) {
  StereoReport r = report_of("CC(O)CC");
  ASSERT_EQ(r.elements.size(), 1u);
  EXPECT_EQ(r.elements[0].kind, StereoElement::Kind::centre);
  EXPECT_EQ(r.elements[0].atoms, std::vector<int>{1});
  EXPECT_EQ(r.elements[0].label, "C2");
  EXPECT_FALSE(r.elements[0].specified);
  StereoReport s = report_of("C[C@H](O)CC");
  ASSERT_EQ(s.elements.size(), 1u);
  EXPECT_TRUE(s.elements[0].specified);
}

TEST(StereoAnalysis, DoubleBondAndRingCisTransCentres) {
  StereoReport r = report_of("CC=CC");
  ASSERT_EQ(r.elements.size(), 1u);
  EXPECT_EQ(r.elements[0].kind, StereoElement::Kind::double_bond);
  EXPECT_EQ(r.elements[0].label, "C2=C3");
  EXPECT_EQ(r.elements[0].atoms, (std::vector<int>{1, 2}));
  EXPECT_TRUE(report_of("C/C=C/C").elements.at(0).specified);
  // cis/trans-1,4-dimethylcyclohexane: two centres, neither chiral.
  StereoReport ring = report_of("CC1CCC(C)CC1");
  ASSERT_EQ(ring.elements.size(), 2u);
  EXPECT_EQ(ring.elements[0].label, "C2");
  EXPECT_EQ(ring.elements[1].label, "C5");
  // Explicit hydrogens change nothing.
  Molecule m = molecule_from_smiles("C[C@H](O)CC");
  EXPECT_EQ(analyse_stereo(*m.rdkit).elements.size(), 1u);
}

TEST(StereoPolicy, LoneCentreIsFixedOnceWithANote) {
  // Ibuprofen: C11 is its one stereocentre.
  Molecule m = molecule_from_smiles("CC(C)Cc1ccc(cc1)C(C)C(=O)O");
  ASSERT_EQ(m.stereo_notes.size(), 1u);
  EXPECT_THAT(m.stereo_notes[0], HasSubstr("C11 was unspecified"));
  EXPECT_THAT(m.stereo_notes[0], HasSubstr("enantiomers with the same NMR spectrum"));
  EXPECT_THAT(m.stereo_notes[0], ::testing::ContainsRegex("computed as \\((R|S)\\)"));
  EXPECT_EQ(analyse_stereo(*m.rdkit).unspecified_count(), 0u);
  EXPECT_THAT(m.canonical_smiles, HasSubstr("@"));
  // Deterministic: the same input gives the same configuration.
  EXPECT_EQ(molecule_from_smiles("CC(C)Cc1ccc(cc1)C(C)C(=O)O").canonical_smiles,
            m.canonical_smiles);
  // The starting geometry holds the configuration that was chosen.
  EXPECT_TRUE(stereo_changes(m, m.geometry).empty());
}

TEST(StereoPolicy, NothingUnspecifiedMeansNoNote) {
  EXPECT_TRUE(molecule_from_smiles("CCO").stereo_notes.empty());
  EXPECT_TRUE(molecule_from_smiles("C[C@H](O)CC").stereo_notes.empty());
}

TEST(StereoPolicy, TwoOpenCentresAreRefusedNamingBoth) {
  std::string e = load_error("CC(O)C(O)CC");
  EXPECT_THAT(e, HasSubstr("C2"));
  EXPECT_THAT(e, HasSubstr("C4"));
  EXPECT_THAT(e, HasSubstr("[C@H] or [C@@H]"));
  EXPECT_THAT(e, HasSubstr("--stereoisomers all"));
  // The examples are valid, fully specified and the two diastereomers (meso-like
  // pairs counted once).
  auto examples = examples_in(e);
  ASSERT_EQ(examples.size(), 2u) << e;
  std::set<std::string> canon;
  for (const auto& example : examples) {
    Molecule m = molecule_from_smiles(example);
    EXPECT_EQ(analyse_stereo(*m.rdkit).unspecified_count(), 0u);
    canon.insert(m.canonical_smiles);
  }
  EXPECT_EQ(canon.size(), 2u);
}

TEST(StereoPolicy, OpenCentreBesideASpecifiedOneIsRefused) {
  std::string e = load_error("C[C@H](O)C(O)CC");
  EXPECT_THAT(e, HasSubstr("C4"));
  EXPECT_THAT(e, HasSubstr("beside the specified C2"));
}

TEST(StereoPolicy, OpenDoubleBondIsRefused) {
  std::string e = load_error("CC=CC");
  std::cout << "refusal: " << e << "\n";
  auto examples = examples_in(e);
  ASSERT_EQ(examples.size(), 2u) << e;  // E and Z
  for (const auto& example : examples) EXPECT_EQ(load_error(example), "no error");
  EXPECT_THAT(e, HasSubstr("C2=C3"));
  EXPECT_THAT(e, HasSubstr("E and Z"));
  EXPECT_THAT(e, HasSubstr("--stereoisomers all"));
  EXPECT_EQ(load_error("C/C=C\\C"), "no error");
}

TEST(StereoPolicy, BridgedBicycleWithOneBuildablePairIsFixedWithANote) {
  // Camphor: the bridgeheads C4 and C7 are unspecified, but only (1R,4R) and
  // (1S,4S) can be built; the other combination would span the ring trans.
  Molecule m = molecule_from_smiles("CC1(C)C2CCC1(C)C(=O)C2");
  std::cout << "camphor load: " << load_ms("CC1(C)C2CCC1(C)C(=O)C2") << " ms\n";
  ASSERT_EQ(m.stereo_notes.size(), 1u);
  std::cout << "note: " << m.stereo_notes[0] << "\n";
  EXPECT_THAT(m.stereo_notes[0], HasSubstr("C4, C7 were unspecified"));
  EXPECT_THAT(m.stereo_notes[0], HasSubstr("cannot be built in 3D"));
  EXPECT_THAT(m.stereo_notes[0], HasSubstr("two enantiomers share one NMR spectrum"));
  EXPECT_EQ(analyse_stereo(*m.rdkit).unspecified_count(), 0u);
  // One of the two camphor enantiomers (PubChem's (1R,4R) and its mirror image).
  std::set<std::string> camphors = {
      molecule_from_smiles("C[C@@]12CC[C@@H](C1(C)C)CC2=O").canonical_smiles,
      molecule_from_smiles("C[C@]12CC[C@H](C1(C)C)CC2=O").canonical_smiles};
  ASSERT_EQ(camphors.size(), 2u);
  EXPECT_EQ(camphors.count(m.canonical_smiles), 1u) << m.canonical_smiles;
  EXPECT_EQ(molecule_from_smiles("CC1(C)C2CCC1(C)C(=O)C2").canonical_smiles, m.canonical_smiles);
  EXPECT_TRUE(stereo_changes(m, m.geometry).empty());
  // The RDKit conformers all keep the configuration.
  ConformerOptions opt;
  opt.count = 8;
  auto conformers = generate_conformers(m, opt);
  ASSERT_GE(conformers.size(), 1u);
  for (const auto& c : conformers) {
    auto changes = stereo_changes(m, c.geometry);
    EXPECT_TRUE(changes.empty()) << ::testing::PrintToString(changes);
  }
}

TEST(StereoPolicy, BridgeheadBesideASpecifiedOneIsFixed) {
  // One bridgehead given: the other has only one buildable choice, no enantiomer.
  Molecule m = molecule_from_smiles("CC1(C)[C@@H]2CCC1(C)C(=O)C2");
  ASSERT_EQ(m.stereo_notes.size(), 1u);
  EXPECT_THAT(m.stereo_notes[0], HasSubstr("C7 was unspecified"));
  EXPECT_THAT(m.stereo_notes[0], HasSubstr("beside the specified C4"));
  EXPECT_THAT(m.stereo_notes[0], Not(HasSubstr("enantiomers")));
  EXPECT_EQ(analyse_stereo(*m.rdkit).unspecified_count(), 0u);
  // A camphor enantiomer (which one the specified C4 decides).
  std::set<std::string> camphors = {
      molecule_from_smiles("C[C@@]12CC[C@@H](C1(C)C)CC2=O").canonical_smiles,
      molecule_from_smiles("C[C@]12CC[C@H](C1(C)C)CC2=O").canonical_smiles};
  EXPECT_EQ(camphors.count(m.canonical_smiles), 1u) << m.canonical_smiles;
  EXPECT_TRUE(stereo_changes(m, m.geometry).empty());
}

TEST(StereoPolicy, NorbornanolExoAndEndoAreRefused) {
  // Three centres, eight combinations, but only exo and endo (each a pair) exist.
  std::string e = load_error("OC1CC2CCC1C2");
  std::cout << "norbornan-2-ol load: " << load_ms("OC1CC2CCC1C2") << " ms\n";
  std::cout << "refusal: " << e << "\n";
  EXPECT_THAT(e, HasSubstr("C2, C4, C7"));
  EXPECT_THAT(e, HasSubstr("only 2 can exist for this ring system"));
  auto examples = examples_in(e);
  ASSERT_EQ(examples.size(), 2u) << e;
  std::set<std::string> canon;
  for (const auto& example : examples) {
    Molecule m = molecule_from_smiles(example);  // buildable and fully specified
    EXPECT_TRUE(m.stereo_notes.empty());
    EXPECT_TRUE(stereo_changes(m, m.geometry).empty());
    canon.insert(m.canonical_smiles);
  }
  EXPECT_EQ(canon.size(), 2u);
}

TEST(StereoPolicy, RingDoubleBondIsNotTestedInThreeD) {
  // trans-Cyclooctene exists although ETKDG cannot build it: still refused.
  std::string e = load_error("C1CC=CCCCC1");
  EXPECT_THAT(e, HasSubstr("C3=C4"));
  EXPECT_THAT(e, HasSubstr("E and Z"));
}

TEST(StereoPolicy, CentreBesideASpecifiedDoubleBondIsAnEnantiomerChoice) {
  // Mirroring keeps the E double bond: the centre's two choices are enantiomers.
  Molecule m = molecule_from_smiles("C/C=C/C(O)CC");
  ASSERT_EQ(m.stereo_notes.size(), 1u);
  EXPECT_THAT(m.stereo_notes[0], HasSubstr("C4 was unspecified beside the specified C2=C3"));
  EXPECT_THAT(m.stereo_notes[0],
              HasSubstr("its two configurations are enantiomers with the same NMR"));
  EXPECT_EQ(analyse_stereo(*m.rdkit).unspecified_count(), 0u);
  EXPECT_TRUE(stereo_changes(m, m.geometry).empty());
}

TEST(StereoPolicy, KeepLeavesTheMoleculeAlone) {
  MoleculeInput in;
  in.text = "CC(O)C(O)CC";
  LoadOptions opt;
  opt.stereo = StereoPolicy::keep;
  Molecule m = load_molecule(in, opt);
  EXPECT_TRUE(m.stereo_notes.empty());
  EXPECT_EQ(analyse_stereo(*m.rdkit).unspecified_count(), 2u);
}

TEST(StereoIsomers, MesoAndRacemicPairAreTwoEntries) {
  std::unique_ptr<RDKit::RWMol> mol(RDKit::SmilesToMol("CC(F)C(F)C"));
  auto isomers = enumerate_stereoisomers(*mol);
  ASSERT_EQ(isomers.size(), 2u);
  std::set<std::string> canon;
  for (const auto& s : isomers) {
    Molecule m = molecule_from_smiles(s);  // fully specified: loads without a note
    EXPECT_TRUE(m.stereo_notes.empty()) << s;
    canon.insert(m.canonical_smiles);
  }
  EXPECT_EQ(canon.size(), 2u);
}

TEST(StereoIsomers, CountsPairsOnceAndKeepsDiastereomers) {
  std::unique_ptr<RDKit::RWMol> two(RDKit::SmilesToMol("CC(O)C(O)CC"));
  EXPECT_EQ(enumerate_stereoisomers(*two).size(), 2u);  // 4 isomers, 2 pairs
  std::unique_ptr<RDKit::RWMol> three(RDKit::SmilesToMol("CC(O)C(O)C(O)CC"));
  EXPECT_EQ(enumerate_stereoisomers(*three).size(), 4u);  // 8 isomers, 4 pairs
  // One centre fixed: the two choices of the other are diastereomers.
  std::unique_ptr<RDKit::RWMol> half(RDKit::SmilesToMol("C[C@H](O)C(O)CC"));
  EXPECT_EQ(enumerate_stereoisomers(*half).size(), 2u);
  // E/Z are not mirror images.
  std::unique_ptr<RDKit::RWMol> ene(RDKit::SmilesToMol("CC=CC"));
  EXPECT_EQ(enumerate_stereoisomers(*ene).size(), 2u);
  // cis and trans 1,4-dimethylcyclohexane, both achiral.
  std::unique_ptr<RDKit::RWMol> ring(RDKit::SmilesToMol("CC1CCC(C)CC1"));
  EXPECT_EQ(enumerate_stereoisomers(*ring).size(), 2u);
  std::string ring_error = load_error("CC1CCC(C)CC1");
  EXPECT_THAT(ring_error, HasSubstr("C2, C5"));
  EXPECT_EQ(examples_in(ring_error).size(), 2u) << ring_error;  // cis and trans both exist
  std::unique_ptr<RDKit::RWMol> none(RDKit::SmilesToMol("CCO"));
  EXPECT_EQ(enumerate_stereoisomers(*none).size(), 1u);
}

TEST(StereoIsomers, RefusesBeyondTheCapNamingTheCount) {
  std::unique_ptr<RDKit::RWMol> three(RDKit::SmilesToMol("CC(O)C(O)C(O)CC"));
  try {
    enumerate_stereoisomers(*three, 3);
    FAIL() << "no error";
  } catch (const ChemError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("4 stereoisomers"));
  }
}

TEST(StereoChanges, ConformersOfTheFixedMoleculeKeepItsConfiguration) {
  Molecule m = molecule_from_smiles("CC(C)Cc1ccc(cc1)C(C)C(=O)O");
  ConformerOptions opt;
  opt.count = 12;
  auto conformers = generate_conformers(m, opt);
  ASSERT_GE(conformers.size(), 2u);
  for (const auto& c : conformers) EXPECT_TRUE(stereo_changes(m, c.geometry).empty());
  // The mirror image is caught, naming the centre.
  auto changes = stereo_changes(m, mirrored(conformers[0].geometry));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_THAT(changes[0], ::testing::ContainsRegex("C11 inverted from (R to S|S to R)"));
}

TEST(StereoChanges, MesoMirrorAndDoubleBondFlip) {
  // The mirror image of a meso compound is itself; that of (2R,3R) is not.
  Molecule meso = molecule_from_smiles("C[C@@H](F)[C@@H](F)C");
  auto meso_changes = stereo_changes(meso, mirrored(meso.geometry));
  EXPECT_TRUE(meso_changes.empty()) << ::testing::PrintToString(meso_changes);
  Molecule rr = molecule_from_smiles("C[C@@H](F)[C@H](F)C");
  EXPECT_EQ(stereo_changes(rr, mirrored(rr.geometry)),
            (std::vector<std::string>{"C2 inverted from R to S", "C4 inverted from R to S"}));
  // Z-but-2-ene whose geometry is E.
  Molecule z = molecule_from_smiles("C/C=C\\C");
  Molecule e = molecule_from_smiles("C/C=C/C");
  auto changes = stereo_changes(z, e.geometry);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_THAT(changes[0], HasSubstr("C2=C3"));
  EXPECT_TRUE(stereo_changes(e, e.geometry).empty());
}

TEST(StereoFrom3D, XyzAndSdfTakeTheirConfigurationFromCoordinates) {
  Molecule s = molecule_from_smiles("C[C@H](O)CC");
  Molecule r = molecule_from_smiles("C[C@@H](O)CC");
  MoleculeInput xyz;
  xyz.format = MoleculeInput::Format::xyz;
  xyz.text = to_xyz(mirrored(s.geometry));
  Molecule from_xyz = load_molecule(xyz);
  EXPECT_TRUE(from_xyz.stereo_notes.empty());
  EXPECT_EQ(from_xyz.canonical_smiles, r.canonical_smiles);
  EXPECT_TRUE(stereo_changes(from_xyz, from_xyz.geometry).empty());
  EXPECT_FALSE(stereo_changes(from_xyz, s.geometry).empty());

  // An SDF whose stereo flags say one thing and whose coordinates another:
  // the coordinates win.
  RDKit::RWMol copy(*s.rdkit);
  auto& conf = copy.getConformer();
  for (unsigned i = 0; i < copy.getNumAtoms(); ++i) {
    auto p = conf.getAtomPos(i);
    conf.setAtomPos(i, RDGeom::Point3D(p.x, p.y, -p.z));
  }
  MoleculeInput sdf;
  sdf.format = MoleculeInput::Format::sdf;
  sdf.text = RDKit::MolToMolBlock(copy);
  Molecule from_sdf = load_molecule(sdf);
  EXPECT_EQ(from_sdf.canonical_smiles, r.canonical_smiles);
  EXPECT_TRUE(from_sdf.stereo_notes.empty());
}

}  // namespace
}  // namespace qmnmr::chem
