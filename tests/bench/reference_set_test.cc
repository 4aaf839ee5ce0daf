// Reading a benchmark set: the DELTA50 layout, its errors named with the fix,
// choosing compounds; and a finished job's results matched to experiment per
// atom and per equivalent group.
#include <gtest/gtest.h>

#include <fstream>

#include "queue/atomic_file.h"
#include "runner/bench/compound_results.h"
#include "runner/bench/reference_set.h"
#include "support/temp_dir.h"

namespace qmnmr::bench {
namespace {
using nlohmann::json;

const char* kEthanolXyz =
    "9\nEthanol - test\n"
    "C -0.0016 1.0254 0.0000\nC 0.0024 -0.4862 0.0000\nO -1.3410 -0.9640 0.0000\n"
    "H 1.0249 1.4108 0.0000\nH -0.5139 1.4111 0.8853\nH -0.5139 1.4111 -0.8853\n"
    "H 0.5218 -0.8598 0.8900\nH 0.5218 -0.8598 -0.8900\nH -1.3510 -1.9340 0.0000\n";

void write_set(const std::filesystem::path& root, const json& molecules) {
  std::filesystem::create_directories(root / "molecules");
  queue::write_file_atomic(root / "molecules" / "compound_02.xyz", kEthanolXyz);
  queue::write_file_atomic(root / "experimental_shifts.json",
                           json{{"source", {{"paper", "test"}, {"conditions", "CDCl3"}}},
                                {"molecules", molecules}}
                               .dump());
}

json ethanol_entry() {
  return {{"name", "Ethanol"},
          {"compound_number", 2},
          {"h1_assignments", {{"4", 1.22}, {"5", 1.22}, {"6", 1.22}, {"7", 3.69}, {"8", 3.69}}},
          {"c13_assignments", {{"1", 18.4}, {"2", 58.3}}}};
}

TEST(ReferenceSet, ReadsTheDelta50Layout) {
  testing::TempDir dir("refset");
  write_set(dir.path(), {{"compound_02", ethanol_entry()}});
  auto set = read_reference_set(dir.path());
  ASSERT_EQ(set.compounds.size(), 1u);
  const auto& c = set.compounds[0];
  EXPECT_EQ(c.id, "compound_02");
  EXPECT_EQ(c.number, 2);
  EXPECT_EQ(c.name, "Ethanol");
  EXPECT_EQ(c.h1.size(), 5u);
  EXPECT_DOUBLE_EQ(c.c13.at(2), 58.3);
  EXPECT_EQ(set.conditions, "CDCl3");
}

// DELTA50's file names another first author; known by its DOI, the set is
// cited as its paper (Cohen et al.), and any other set as its own file says.
TEST(ReferenceSet, Delta50IsCitedAsItsPaperWhateverItsFileSays) {
  testing::TempDir dir("refset-cite");
  std::filesystem::create_directories(dir.path() / "molecules");
  queue::write_file_atomic(dir.path() / "molecules" / "compound_02.xyz", kEthanolXyz);
  auto cite = [&](const std::string& doi) {
    queue::write_file_atomic(
        dir.path() / "experimental_shifts.json",
        json{{"source", {{"paper", "Grimblat et al., Molecules 2023"}, {"doi", doi}}},
             {"molecules", {{"compound_02", ethanol_entry()}}}}
            .dump());
    return read_reference_set(dir.path()).source;
  };
  const std::string delta50 = cite("10.3390/molecules28062449");
  EXPECT_NE(delta50.find("Cohen, Wood, Lam"), std::string::npos) << delta50;
  EXPECT_EQ(delta50.find("Grimblat"), std::string::npos) << delta50;
  EXPECT_EQ(cite("10.1000/other"), "Grimblat et al., Molecules 2023");
}

TEST(ReferenceSet, WrongLayoutsAreNamedWithTheFix) {
  testing::TempDir dir("refset-bad");
  EXPECT_THROW(
      {
        try {
          read_reference_set(dir.path());
        } catch (const std::invalid_argument& e) {
          EXPECT_NE(std::string(e.what()).find("experimental_shifts.json"), std::string::npos);
          throw;
        }
      },
      std::invalid_argument);
  auto wrong_element = ethanol_entry();
  wrong_element["h1_assignments"]["3"] = 2.6;  // atom 3 is the O
  write_set(dir.path(), {{"compound_02", wrong_element}});
  try {
    read_reference_set(dir.path());
    FAIL() << "an H shift on an O atom was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("atom 3, which is O"), std::string::npos) << e.what();
  }
  auto no_atom = ethanol_entry();
  no_atom["c13_assignments"]["12"] = 10;
  write_set(dir.path(), {{"compound_02", no_atom}});
  EXPECT_THROW(read_reference_set(dir.path()), std::invalid_argument);
  write_set(dir.path(), {{"compound_03", ethanol_entry()}});  // no compound_03.xyz
  EXPECT_THROW(read_reference_set(dir.path()), std::invalid_argument);
}

TEST(ReferenceSet, ChoosesCompounds) {
  EXPECT_EQ(parse_number_list("1,5, 9", "--compounds"), (std::vector<int>{1, 5, 9}));
  EXPECT_EQ(parse_number_list("3-5,8", "--compounds"), (std::vector<int>{3, 4, 5, 8}));
  EXPECT_THROW(parse_number_list("1;2", "--compounds"), std::invalid_argument);
  EXPECT_THROW(parse_number_list("5-3", "--compounds"), std::invalid_argument);
  EXPECT_THROW(parse_number_list("0", "--compounds"), std::invalid_argument);
  ReferenceSet set;
  for (int n : {1, 2, 3}) set.compounds.push_back({"compound_0" + std::to_string(n), n, "x", "", {}, {}});
  EXPECT_EQ(choose_compounds(set, {3, 1, 3}, std::nullopt).size(), 2u);
  EXPECT_EQ(choose_compounds(set, {}, 2).back().number, 2);
  EXPECT_EQ(choose_compounds(set, {}, std::nullopt).size(), 3u);
  EXPECT_THROW(choose_compounds(set, {4}, std::nullopt), std::invalid_argument);
}

TEST(CompoundResults, MatchesAtomsAndEquivalentGroups) {
  ReferenceCompound c{"compound_02", 2, "Ethanol", kEthanolXyz, {}, {}};
  c.h1 = {{4, 1.22}, {5, 1.22}, {6, 1.22}};
  c.c13 = {{1, 18.4}};
  // A TMS-referenced job: shift = 32 - shielding for H; the methyl H share a class.
  json results{{"method",
                {{"shift_conversion",
                  {{"1H", {{"method", "tms_reference"}, {"sigma_tms", 32.0}}},
                   {"13C", {{"method", "regression"}, {"slope", -0.95}, {"intercept", 180.0}}}}}}},
               {"h1_shifts", json::array()},
               {"c13_shifts", json::array()}};
  const double atom_sigma[] = {30.6, 30.9, 30.9};  // H4, H5, H6 before averaging; mean 30.8
  for (int i = 0; i < 3; ++i)
    results["h1_shifts"].push_back({{"index", 4 + i}, {"atom", "H" + std::to_string(4 + i)},
                                    {"atom_shielding", atom_sigma[i]}, {"shielding", 30.8},
                                    {"shift", 1.2}, {"equivalence_class", 3}});
  results["c13_shifts"].push_back({{"index", 1}, {"atom", "C1"}, {"atom_shielding", 170.0},
                                   {"shielding", 170.0}, {"shift", 18.5},
                                   {"equivalence_class", 0}});
  auto obs = compound_observations(c, results);
  const auto& per_atom = obs.by_nucleus["1H"][Counting::per_atom];
  ASSERT_EQ(per_atom.size(), 3u);
  EXPECT_NEAR(per_atom[0].shielding, 30.6, 1e-12);
  EXPECT_NEAR(per_atom[0].predicted, 32.0 - 30.6, 1e-12);  // the job's line on the atom's own sigma
  const auto& grouped = obs.by_nucleus["1H"][Counting::equivalent];
  ASSERT_EQ(grouped.size(), 1u);
  EXPECT_EQ(grouped[0].atom, "H4,H5,H6");
  EXPECT_NEAR(grouped[0].predicted, 1.2, 1e-12);
  EXPECT_NEAR(grouped[0].experimental, 1.22, 1e-12);
  EXPECT_EQ(obs.atoms.size(), 4u);
  EXPECT_NEAR(obs.atoms[3]["error"].get<double>(), 0.1, 1e-9);
  // An assigned atom without a computed shift is an error, not a silent gap.
  c.h1[7] = 3.69;
  EXPECT_THROW(compound_observations(c, results), std::invalid_argument);
}

}  // namespace
}  // namespace qmnmr::bench
