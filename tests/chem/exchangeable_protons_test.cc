// Tests for the caveats on hydrogens bonded to O, N and S.
#include "chem/exchangeable_protons.h"

#include <GraphMol/RWMol.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/molecules.h"

namespace qmnmr::chem {
namespace {

using ::testing::HasSubstr;
using testing::molecule_from_smiles;

TEST(ExchangeableProtons, FlagsOhNhAndShButNotCh) {
  // N-acetylcysteine: SH, NH and the acid OH; hydrogens follow the heavy atoms.
  auto m = molecule_from_smiles("CC(=O)N[C@@H](CS)C(=O)O");
  auto caveats = exchangeable_proton_caveats(m);
  std::map<std::string, int> on;
  for (const auto& [h, text] : caveats) {
    EXPECT_EQ(m.symbols[h], "H");
    EXPECT_THAT(text, HasSubstr("exchangeable H on"));
    for (const auto* n : m.rdkit->atomNeighbors(m.rdkit->getAtomWithIdx(h)))
      ++on[n->getSymbol()];
  }
  EXPECT_EQ(on, (std::map<std::string, int>{{"N", 1}, {"O", 1}, {"S", 1}}));
  EXPECT_TRUE(exchangeable_proton_caveats(molecule_from_smiles("c1ccccc1C")).empty());
  EXPECT_EQ(exchangeable_proton_caveats(molecule_from_smiles("CCO")).size(), 1u);
  EXPECT_EQ(exchangeable_proton_caveats(molecule_from_smiles("C[NH3+]")).size(), 3u);
}

}  // namespace
}  // namespace qmnmr::chem
