// ReferenceLabelling: conformers made to be swapped (the reference reflected,
// relabelled by an automorphism, or both, and real ETKDG conformers) are
// numbered back onto the reference, checked per atom by the substitution test
// (the molecule with that atom labelled by an isotope, its stereo read from
// 3D, must be the reference's labelled molecule), and amide substituents by
// their side of the C-N bond.
#include "chem/reference_labelling.h"

#include <GraphMol/GraphMol.h>
#include <GraphMol/Substruct/SubstructMatch.h>
#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <vector>

#include "chem/clustering.h"
#include "chem/conformers.h"
#include "chem/symmetry.h"
#include "support/labels.h"
#include "support/molecules.h"

namespace qmnmr::chem {
namespace {

using qmnmr::testing::cis_across;
using qmnmr::testing::molecule_from_smiles;

// Every atom of `g` carries the reference's label.
void expect_reference_labels(const Molecule& m, const Geometry& g, const std::string& what) {
  auto differences = qmnmr::testing::label_differences(m, m.geometry, g);
  for (const auto& d : differences) ADD_FAILURE() << what << ": " << d;
  EXPECT_TRUE(differences.empty()) << what;
}

Geometry permuted(const Geometry& g, const std::vector<int>& source) {
  Geometry out = g;
  for (size_t i = 0; i < source.size(); ++i) out.atoms[i] = g.atoms[static_cast<size_t>(source[i])];
  return out;
}

// Automorphisms of the whole graph (hydrogens included) from RDKit's
// matching of the molecule on itself: a few that are not the identity.
std::vector<std::vector<int>> some_automorphisms(const Molecule& m) {
  RDKit::SubstructMatchParameters p;
  p.uniquify = false;
  p.maxMatches = 5000;
  auto matches = RDKit::SubstructMatch(*m.rdkit, *m.rdkit, p);
  std::vector<std::vector<int>> out;
  for (size_t k : {matches.size() - 1, matches.size() / 2, matches.size() / 3}) {
    std::vector<int> perm(m.atom_count());
    for (auto [q, t] : matches[k]) perm[static_cast<size_t>(q)] = t;
    out.push_back(perm);
  }
  return out;
}

struct Case {
  const char* name;
  const char* smiles;
};

class SwappedConformers : public ::testing::TestWithParam<Case> {};

TEST_P(SwappedConformers, EveryConformerCarriesTheReferencesLabels) {
  const Molecule m = molecule_from_smiles(GetParam().smiles);
  const ReferenceLabelling labelling(m);
  // Made to be swapped: reflected, renumbered by an automorphism, both.
  // (A molecule with a stereocentre has no reflected conformers.)
  const bool achiral = !has_stereo_labels(m);
  std::vector<std::pair<std::string, Geometry>> cases;
  if (achiral) cases.emplace_back("reflected", mirror_image(m.geometry));
  int k = 0;
  for (const auto& perm : some_automorphisms(m)) {
    cases.emplace_back("automorphism " + std::to_string(++k), permuted(m.geometry, perm));
    if (achiral)
      cases.emplace_back("reflected + automorphism " + std::to_string(k),
                         permuted(mirror_image(m.geometry), perm));
  }
  // Real conformers, as ETKDG places them.
  ConformerOptions options;
  options.count = 12;
  int n = 0;
  for (const auto& c : generate_conformers(m, options))
    cases.emplace_back("ETKDG conformer " + std::to_string(++n), c.geometry);
  for (const auto& [what, g] : cases) {
    auto r = labelling.align(g);
    EXPECT_EQ(r.configuration_mismatches, 0) << what;
    EXPECT_FALSE(r.search_capped) << what;
    expect_reference_labels(m, r.geometry, std::string(GetParam().name) + ", " + what);
    // Only labels moved: atom i is where the conformer's atom source[i] was.
    std::vector<int> seen(g.atoms.size(), 0);
    for (size_t i = 0; i < g.atoms.size(); ++i) {
      const auto& from = g.atoms[static_cast<size_t>(r.source[i])];
      EXPECT_EQ(r.geometry.atoms[i].x, from.x) << what;
      EXPECT_EQ(r.geometry.atoms[i].symbol, from.symbol) << what;
      ++seen[static_cast<size_t>(r.source[i])];
    }
    for (int s : seen) EXPECT_EQ(s, 1) << what;
  }
}

INSTANTIATE_TEST_SUITE_P(
    ProchiralAndDiastereotopic, SwappedConformers,
    ::testing::Values(Case{"cyclohexanol", "OC1CCCCC1"}, Case{"pentan3ol", "CCC(O)CC"},
                      Case{"glycerol", "OCC(O)CO"},
                      Case{"citric_acid", "OC(=O)CC(O)(CC(=O)O)C(=O)O"},
                      Case{"methylcyclohexane", "CC1CCCCC1"},
                      Case{"methyl_dioxane_acetal", "CC1OCCCO1"},
                      Case{"diethylacetamide", "CCN(CC)C(C)=O"},
                      Case{"tetramethylsuccinamide", "CN(C)C(=O)CCC(=O)N(C)C"},
                      Case{"butan2ol_R", "C[C@@H](O)CC"},
                      Case{"menthol", "CC(C)[C@@H]1CC[C@@H](C)C[C@H]1O"},
                      Case{"acrylamide", "C=CC(N)=O"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ReferenceLabelling, TheReferenceItselfKeepsItsNumbers) {
  const Molecule m = molecule_from_smiles("OC1CCCCC1");
  auto r = ReferenceLabelling(m).align(m.geometry);
  for (size_t i = 0; i < r.source.size(); ++i) EXPECT_EQ(r.source[i], static_cast<int>(i));
}

TEST(ReferenceLabelling, AnotherStereoisomerIsNotRelabelledIntoThisOne) {
  // (R)-butan-2-ol's mirror image is (S): no numbering makes it (R).
  const Molecule m = molecule_from_smiles("C[C@@H](O)CC");
  auto r = ReferenceLabelling(m).align(mirror_image(m.geometry));
  EXPECT_GT(r.configuration_mismatches, 0);
  EXPECT_FALSE(r.same_configuration());
  // cis- against trans-4-methylcyclohexanol: the same graph, another configuration.
  const Molecule cis_m = molecule_from_smiles("C[C@H]1CC[C@@H](O)CC1");
  const Molecule trans_m = molecule_from_smiles("C[C@H]1CC[C@H](O)CC1");
  ASSERT_EQ(cis_m.atom_count(), trans_m.atom_count());
  EXPECT_FALSE(ReferenceLabelling(cis_m).align(trans_m.geometry).same_configuration());
}

TEST(ReferenceLabelling, AmideRotamersAreCountedNotForced) {
  // N-methylacetamide: the methyl cis or trans to the O are two rotamers; no
  // numbering turns one into the other, and that is not another stereoisomer.
  const Molecule m = molecule_from_smiles("CNC(C)=O");
  const auto rotors = hindered_rotors(m);
  ASSERT_EQ(rotors.size(), 1u);
  ConformerOptions options;
  options.count = 30;
  const ReferenceLabelling labelling(m);
  const auto& r0 = rotors[0];
  bool ref_cis = cis_across(m.geometry, r0.x, r0.c, r0.n, r0.r1);
  int other_side = 0;
  for (const auto& c : generate_conformers(m, options)) {
    auto r = labelling.align(c.geometry);
    EXPECT_TRUE(r.same_configuration());
    bool flipped = cis_across(c.geometry, r0.x, r0.c, r0.n, r0.r1) != ref_cis;
    EXPECT_EQ(r.rotamer_mismatches, flipped ? 1 : 0);
    other_side += flipped;
  }
  std::cout << "N-methylacetamide: " << other_side << " ETKDG conformers in the other rotamer\n";
}

TEST(NmrEquivalence, TwoEqualAmidesPairCisWithCis) {
  // N,N,N',N'-tetramethylsuccinamide: four N-methyls, two classes - the two
  // cis to their O, and the two trans.
  const Molecule m = molecule_from_smiles("CN(C)C(=O)CCC(=O)N(C)C");
  auto cls = nmr_equivalence_classes(m);
  auto rotors = hindered_rotors(m);
  ASSERT_EQ(rotors.size(), 2u);
  std::vector<unsigned> cis_c, trans_c;
  for (const auto& r : rotors) {
    bool first = cis_across(m.geometry, r.x, r.c, r.n, r.r1);
    cis_c.push_back(first ? r.r1 : r.r2);
    trans_c.push_back(first ? r.r2 : r.r1);
  }
  EXPECT_EQ(cls[cis_c[0]], cls[cis_c[1]]);
  EXPECT_EQ(cls[trans_c[0]], cls[trans_c[1]]);
  EXPECT_NE(cls[cis_c[0]], cls[trans_c[0]]);
}

}  // namespace
}  // namespace qmnmr::chem
