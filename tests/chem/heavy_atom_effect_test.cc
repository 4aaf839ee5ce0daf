// Tests for the heavy-atom caveats on H and C bonded to Br, I and heavier atoms.
#include "chem/heavy_atom_effect.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/molecules.h"

namespace qmnmr::chem {
namespace {

using ::testing::HasSubstr;
using testing::molecule_from_smiles;

TEST(HeavyAtomEffect, FlagsTheCarbonOnBromineAndIodineOnly) {
  // 1-bromo-3-chloro-5-iodobenzene, atoms in SMILES order (0-based): Br0 on
  // C1, I4 on C3, Cl7 on C6; labels are 1-based.
  auto m = molecule_from_smiles("Brc1cc(I)cc(Cl)c1");
  auto caveats = heavy_atom_caveats(m);
  ASSERT_EQ(caveats.size(), 2u);
  ASSERT_TRUE(caveats.count(1));
  EXPECT_THAT(caveats[1], HasSubstr("bonded to Br1"));
  EXPECT_THAT(caveats[1], HasSubstr("8-10 ppm per Br"));
  ASSERT_TRUE(caveats.count(3));
  EXPECT_THAT(caveats[3], HasSubstr("bonded to I5"));
  EXPECT_THAT(caveats[3], HasSubstr("30 ppm per I"));
  EXPECT_TRUE(heavy_atom_caveats(molecule_from_smiles("Clc1ccccc1")).empty());
  EXPECT_TRUE(heavy_atom_caveats(molecule_from_smiles("CCO")).empty());
}

TEST(HeavyAtomEffect, NamesEveryHeavyNeighbour) {
  auto caveats = heavy_atom_caveats(molecule_from_smiles("BrC(Br)I"));
  ASSERT_EQ(caveats.size(), 1u);  // the carbon; its H is two bonds away
  EXPECT_THAT(caveats[1], HasSubstr("bonded to Br1, Br3, I4"));
  EXPECT_THAT(caveats[1], HasSubstr("8-10 ppm per Br; about 30 ppm per I"));
}

}  // namespace
}  // namespace qmnmr::chem
