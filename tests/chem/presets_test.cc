// Tests for the preset table.
#include "chem/presets.h"

#include <map>

#include <gtest/gtest.h>

#include "chem/error.h"
#include "chem/shift_conversion.h"

namespace qmnmr::chem {
namespace {

TEST(Presets, ProductionLevels) {
  const Preset& p = find_preset("production");
  EXPECT_EQ(p.geometry.basis, "6-31G*");
  EXPECT_EQ(p.shielding.basis, "6-311+G(2d,p)");
  EXPECT_EQ(p.geometry.functional->key, "b3lyp");
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
    EXPECT_STREQ(e.what(), "unknown preset 'fast'; use one of: production, accurate, draft, test");
  }
}

TEST(Presets, LevelTextNamesATableFunctionalAndABasis) {
  const Level l = parse_level(" PBE0/def2-svp ");
  EXPECT_EQ(l.functional, &find_functional("pbe0"));
  EXPECT_EQ(l.basis, "def2-svp");
  EXPECT_EQ(l.label(), "PBE0/def2-svp");
  EXPECT_EQ(parse_level("wp04/jul-cc-pV(D+d)Z").basis, "jul-cc-pV(D+d)Z");
  for (const char* bad : {"pbe0", "pbe0/", "/def2-svp", "pbe0/def2/svp", "b97/def2-svp",
                          "pbe0/def2-svp\ntask shell", "pbe0/def2 svp"})
    EXPECT_THROW(parse_level(bad), ChemError) << bad;
}

// A locally dense basis: some elements take a basis of their own, written
// after the level's in brackets; it is part of the level's name and of what
// makes two levels the same calculation.
TEST(Presets, ALevelMayGiveSomeElementsABasisOfTheirOwn) {
  const Level l = parse_level("b3lyp/6-31+G*[h:6-311G**]");
  EXPECT_EQ(l.basis, "6-31+G*");
  EXPECT_EQ(l.element_basis, (std::map<std::string, std::string>{{"H", "6-311G**"}}));
  EXPECT_EQ(l.label(), "B3LYP/6-31+G*[H:6-311G**]");
  EXPECT_EQ(parse_level(l.label()).label(), l.label()) << "the label reads back";
  const Level two = parse_level("b3lyp/def2-svp[H:6-311G**][C:6-311+G(2d,p)]");
  EXPECT_EQ(two.element_basis.size(), 2u);
  EXPECT_EQ(two.label(), "B3LYP/def2-svp[C:6-311+G(2d,p)][H:6-311G**]");
  EXPECT_FALSE(l.same_calculation(parse_level("b3lyp/6-31+G*")));
  EXPECT_TRUE(l.same_calculation(parse_level("B3LYP/6-31+G*[H:6-311G**]")));
  for (const char* bad : {"b3lyp/6-31G*[Xq:6-311G**]", "b3lyp/6-31G*[H:6-311G**][H:def2-svp]",
                          "b3lyp/6-31G*[H:]", "b3lyp/6-31G*[H 6-311G**]", "b3lyp/6-31G*[H:6-311G**",
                          "b3lyp/6-31G*[H:6-311G** x]", "b3lyp/[H:6-311G**]",
                          "b3lyp/6-31G*[H:6-311G**]x"})
    EXPECT_THROW(parse_level(bad), ChemError) << bad;
  // In a preset's text: one level, or a nucleus's level ("1H:" is a nucleus,
  // "[H:" an element).
  const Preset& production = find_preset("production");
  const Preset one = preset_with_levels(production, "b3lyp/6-31+G*[H:6-311G**]");
  EXPECT_EQ(one.shielding_runs().size(), 1u);
  EXPECT_EQ(one.level_label(), "B3LYP/6-31+G*[H:6-311G**]//B3LYP/6-31G*");
  const Preset split =
      preset_with_levels(production, "1H:b3lyp/6-31+G*[H:6-311G**];13C:b3lyp/def2-svp");
  EXPECT_EQ(split.shielding_for(Nucleus::h1).label(), "B3LYP/6-31+G*[H:6-311G**]");
  EXPECT_EQ(split.shielding_for(Nucleus::c13).label(), "B3LYP/def2-svp");
}

TEST(Presets, ALevelTextReplacesThePresetsLevelsAndKeepsItsGridsAndCriteria) {
  const Preset& production = find_preset("production");
  const Preset p = preset_with_levels(production, "pbe0/def2-svp//b3lyp/6-31G*");
  EXPECT_EQ(p.name, "custom");
  EXPECT_EQ(p.level_label(), "PBE0/def2-svp//B3LYP/6-31G*");
  EXPECT_EQ(p.geometry.opt_convergence, production.geometry.opt_convergence);
  EXPECT_EQ(p.shielding_runs().size(), 1u);
  // Production's measured figures name both nuclei; a custom level has none of
  // its own yet, so it shows none rather than production's.
  EXPECT_NE(production.figures.find("13C"), std::string::npos) << production.figures;
  EXPECT_EQ(p.figures, "");
  const Preset t = preset_with_levels(find_preset("test"), "pbe0/sto-3g");
  EXPECT_EQ(t.shielding.grid, "lebedev 21 8") << "the test preset's small grid stays";
  EXPECT_EQ(t.geometry.basis, "STO-3G") << "no geometry level given: the base's";
}

TEST(Presets, AShieldingPerNucleusRunsTwiceWhereTheLevelsDiffer) {
  const Preset& production = find_preset("production");
  const Preset p = preset_with_levels(production, "1H:wp04/pcsseg-1;13C:pbe0/def2-svp");
  ASSERT_EQ(p.shielding_runs().size(), 2u);
  EXPECT_EQ(p.shielding_runs()[0], &p.shielding);
  EXPECT_EQ(p.shielding_for(Nucleus::h1).label(), "WP04/pcsseg-1");
  EXPECT_EQ(p.shielding_for(Nucleus::c13).label(), "PBE0/def2-svp");
  EXPECT_EQ(p.level_label(), "1H WP04/pcsseg-1, 13C PBE0/def2-svp//B3LYP/6-31G*");
  EXPECT_EQ(p.nucleus_level_label(Nucleus::h1), "WP04/pcsseg-1//B3LYP/6-31G*");
  // The same level for both: one run.
  const Preset same = preset_with_levels(production, "1H:pbe0/def2-svp; 13C:pbe0/def2-svp");
  EXPECT_EQ(same.shielding_runs().size(), 1u);
  EXPECT_EQ(same.level_label(), "PBE0/def2-svp//B3LYP/6-31G*");
  for (const char* bad : {"1H:pbe0/def2-svp", "1H:pbe0/def2-svp;1H:b3lyp/def2-svp;13C:x/y",
                          "15N:pbe0/def2-svp;13C:pbe0/def2-svp"})
    EXPECT_THROW(preset_with_levels(production, bad), ChemError) << bad;
}

}  // namespace
}  // namespace qmnmr::chem
