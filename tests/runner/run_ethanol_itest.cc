// End to end: ethanol with RDKit conformers through the real xTB and NWChem
// (test preset). Every H and C gets a shift; the three methyl H share one
// averaged shift and so do the two CH2 H; the ensemble's weights sum to 1.
#include <cmath>
#include <map>

#include <gtest/gtest.h>

#include "chem/geometry.h"
#include "runner/run_itest_util.h"

namespace qmnmr::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// For each hydrogen (1-based index), the 1-based index of its nearest heavy
// atom: the bonds read off the optimised geometry, not from qmnmr's output.
std::map<int, std::vector<int>> hydrogens_by_heavy_atom(const chem::Geometry& g) {
  std::map<int, std::vector<int>> out;
  for (size_t h = 0; h < g.atoms.size(); ++h) {
    if (g.atoms[h].symbol != "H") continue;
    double best = 1e9;
    int heavy = -1;
    for (size_t a = 0; a < g.atoms.size(); ++a) {
      if (g.atoms[a].symbol == "H") continue;
      double dx = g.atoms[a].x - g.atoms[h].x, dy = g.atoms[a].y - g.atoms[h].y,
             dz = g.atoms[a].z - g.atoms[h].z;
      double d = std::sqrt(dx * dx + dy * dy + dz * dz);
      if (d < best) best = d, heavy = static_cast<int>(a) + 1;
    }
    out[heavy].push_back(static_cast<int>(h) + 1);
  }
  return out;
}

TEST(RunEthanol, RdkitConformersThroughXtbAndNwchemAverageEquivalentHydrogens) {
  TempDir tmp("run_ethanol");
  auto job = tmp.path() / "job";
  auto r = run_qmnmr({"run", "--smiles", "CCO", "--conformers", "rdkit", "--max-conformers", "2",
                      "--preset", "test", "--ranks", "2", "--out", job.string()},
                     tmp.path());
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  auto logs = job / "logs";
  auto xtb_runs = files_matching(logs, R"(xtb_conf_\d+\.out)");
  EXPECT_FALSE(xtb_runs.empty()) << "xtb never ran";
  auto opt_runs = files_matching(logs, R"(nwchem_opt_conf_\d+\.out)");
  auto shielding_runs = files_matching(logs, R"(nwchem_shielding_conf_\d+\.out)");
  EXPECT_FALSE(opt_runs.empty());
  EXPECT_LE(opt_runs.size(), 2u) << "--max-conformers 2 not honoured";
  EXPECT_LE(shielding_runs.size(), opt_runs.size());

  auto results = read_json(job / "output" / "results.json");
  EXPECT_EQ(results.at("conformer_source"), "rdkit");
  const auto& h1 = results.at("h1_shifts");
  const auto& c13 = results.at("c13_shifts");
  ASSERT_EQ(h1.size(), 6u);
  ASSERT_EQ(c13.size(), 2u);

  // One shielding run per conformer that survived to the average, each once.
  double weight_sum = 0;
  int shielded = 0;
  for (const auto& c : results.at("conformer_ensemble")) {
    if (c.at("state") != "shielded") continue;
    ++shielded;
    weight_sum += c.at("weight").get<double>();
    char name[64];
    std::snprintf(name, sizeof name, "nwchem_shielding_conf_%03d.out",
                  c.at("conformer_id").get<int>());
    EXPECT_TRUE(fs::exists(logs / name)) << name;
    // The test preset shields at its optimisation's basis: the SCF starts from
    // the optimisation's converged orbitals, and NWChem says it read them.
    char conf[16];
    std::snprintf(conf, sizeof conf, "conf_%03d", c.at("conformer_id").get<int>());
    const auto movecs = fs::absolute(job / "scratch" / "dft_opt" / conf / "perm" / "qmnmr.movecs");
    EXPECT_TRUE(fs::exists(movecs)) << movecs;
    EXPECT_EQ(lines_with(slurp(job / "scratch" / "shielding" / conf / "nwchem.nw"),
                         "  vectors input " + movecs.string())
                  .size(),
              1u)
        << conf;
    EXPECT_EQ(lines_with(slurp(logs / name), "Loading old vectors").size(), 1u) << name;
    // Its optimisation started from xTB's Hessian, and NWChem said so.
    EXPECT_TRUE(fs::exists(logs / ("xtb_hessian_nwchem_opt_" + std::string(conf) + ".out")));
    EXPECT_EQ(lines_with(slurp(logs / ("nwchem_opt_" + std::string(conf) + ".out")),
                         "Using Cartesian Hessian from previous frequency")
                  .size(),
              1u)
        << conf;
  }
  EXPECT_EQ(static_cast<size_t>(shielded), shielding_runs.size());
  EXPECT_NEAR(weight_sum, 1.0, 1e-9);

  auto geometry = chem::parse_xyz(slurp(job / "output" / "optimized.xyz"));
  ASSERT_EQ(geometry.atoms.size(), 9u);
  auto groups = hydrogens_by_heavy_atom(geometry);
  std::vector<int> methyl, methylene;
  for (const auto& [heavy, hs] : groups) {
    if (geometry.atoms[heavy - 1].symbol != "C") continue;
    (hs.size() == 3 ? methyl : methylene) = hs;
  }
  ASSERT_EQ(methyl.size(), 3u);
  ASSERT_EQ(methylene.size(), 2u);
  for (int h : methyl) EXPECT_EQ(shift_of(h1, h), shift_of(h1, methyl[0])) << "H" << h;
  for (int h : methylene) EXPECT_EQ(shift_of(h1, h), shift_of(h1, methylene[0])) << "H" << h;
  EXPECT_NE(shift_of(h1, methyl[0]), shift_of(h1, methylene[0]));
  // Methyl below methylene, as in every spectrum of ethanol.
  EXPECT_LT(shift_of(h1, methyl[0]), shift_of(h1, methylene[0]));
  EXPECT_NE(c13[0].at("shift"), c13[1].at("shift"));
  // Only the OH proton carries the exchangeable-proton caveat.
  for (const auto& row : h1) {
    bool on_carbon = false;
    for (int h : methyl) on_carbon |= row.at("index").get<int>() == h;
    for (int h : methylene) on_carbon |= row.at("index").get<int>() == h;
    EXPECT_EQ(row.contains("caveat"), !on_carbon) << row.dump();
  }

  auto csv = slurp(job / "output" / "shifts.csv");
  EXPECT_EQ(lines_with(csv, "1H,").size(), 6u);
  EXPECT_EQ(lines_with(csv, "13C,").size(), 2u);

  // The simulated 1H spectrum from the conformers' couplings (plumbing: the
  // test preset's shifts are not ethanol's): CH3 a triplet, CH2 a quartet.
  const auto& spectrum = results.at("h1_spectrum");
  std::map<int, std::string> multiplicity;  // by atom index
  for (const auto& row : spectrum.at("multiplets"))
    for (const auto& index : row.at("indices")) multiplicity[index.get<int>()] = row.at("multiplicity");
  EXPECT_EQ(multiplicity[methyl[0]], "t") << spectrum.dump();
  EXPECT_EQ(multiplicity[methylene[0]], "q") << spectrum.dump();
  int vicinal = 0;
  for (const auto& row : results.at("couplings")) vicinal += row.at("relation") == "3J HLA";
  EXPECT_EQ(vicinal, 6);
  EXPECT_TRUE(fs::exists(job / "output" / "spectrum_1H_400MHz.jdx"));
  EXPECT_EQ(lines_with(slurp(job / "output" / "spectrum_1H_400MHz.csv"), ",").size(),
            spectrum.value("points", 0) + 1u);
}

}  // namespace
}  // namespace qmnmr::testing
