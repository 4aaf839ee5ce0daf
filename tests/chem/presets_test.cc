// Tests for the preset table.
#include "chem/presets.h"

#include <gtest/gtest.h>

#include "chem/error.h"

namespace qmnmr::chem {
namespace {

TEST(Presets, ProductionLevels) {
  const Preset& p = find_preset("production");
  EXPECT_EQ(p.geometry.basis, "6-31G*");
  EXPECT_EQ(p.shielding.basis, "6-311+G(2d,p)");
  EXPECT_EQ(p.geometry.functional, "b3lyp");
  EXPECT_TRUE(p.shielding.grid.empty());
  EXPECT_EQ(p.level_label(), "B3LYP/6-311+G(2d,p)//B3LYP/6-31G*");
}

TEST(Presets, DraftAndTest) {
  EXPECT_EQ(find_preset("draft").level_label(), "B3LYP/6-31G*//B3LYP/6-31G*");
  const Preset& t = find_preset("test");
  EXPECT_EQ(t.level_label(), "B3LYP/STO-3G//B3LYP/STO-3G");
  EXPECT_EQ(t.geometry.grid, "xcoarse");
  // NWChem's property task runs named grids on "fine"; an explicit grid is kept.
  EXPECT_EQ(t.shielding.grid, "lebedev 21 8");
}

TEST(Presets, UnknownNameListsValidOnes) {
  try {
    find_preset("fast");
    FAIL() << "no throw";
  } catch (const ChemError& e) {
    EXPECT_STREQ(e.what(), "unknown preset 'fast'; use one of: production, draft, test");
  }
}

}  // namespace
}  // namespace qmnmr::chem
