// A conformer that fails for real: (R)-butan-2-ol runs with RDKit conformers at
// the test preset; then the shielding of its higher-energy conformer is run
// again through a PATH wrapper around the real nwchem that makes NWChem's CPHF
// stop unconverged (tests/support/failing-nwchem). qmnmr retries it once, drops
// it with NWChem's line, and the job completes with a warning naming the
// conformer and the Boltzmann weight it carried, averaged over the rest. The
// rerun resumes: the other conformer's shielding is not repeated.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "runner/run_itest_util.h"
#include "support/temp_dir.h"

namespace qmnmr::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

TEST(ForcedFailure, DroppedConformerIsNamedWithItsWeightAndTheJobCompletes) {
  TempDir tmp("forced-failure");
  const auto job = tmp.path() / "job";
  const std::vector<std::string> args{"run", "--smiles", "C[C@@H](O)CC", "--preset", "test",
                                      "--conformers", "rdkit", "--max-conformers", "2",
                                      "--solvent", "chcl3", "--ranks", "1", "--out",
                                      job.string()};
  auto first = run_qmnmr(args, tmp.path());
  ASSERT_EQ(first.exit_code, 0) << explain(first);
  auto results = read_json(job / "output/results.json");
  // The shielded conformers and their DFT energies.
  std::vector<std::pair<double, int>> shielded;
  for (const auto& c : results["conformer_ensemble"])
    if (c.value("state", "") == "shielded")
      shielded.emplace_back(c["dft_energy_hartree"].get<double>(), c["conformer_id"].get<int>());
  ASSERT_GE(shielded.size(), 2u) << "need two conformers in the average: " << results.dump(1);
  std::sort(shielded.begin(), shielded.end());
  const int victim = shielded.back().second;  // the highest energy: a minority of the weight
  char dir[32];
  std::snprintf(dir, sizeof dir, "conf_%03d", victim);

  // Forget the victim's shielding and everything after it; keep the rest.
  fs::remove(job / "scratch/shielding" / dir / "result.json");
  for (const char* stage : {"shielding", "average", "report"})
    fs::remove(job / "scratch" / stage / "done.json");
  std::map<std::string, fs::file_time_type> kept;
  for (const auto& [e, id] : shielded)
    if (id != victim) {
      std::snprintf(dir, sizeof dir, "conf_%03d", id);
      kept[dir] = fs::last_write_time(job / "scratch/shielding" / dir / "result.json");
    }
  std::snprintf(dir, sizeof dir, "conf_%03d", victim);
  const std::string wrapper = std::string(QMNMR_SOURCE_DIR) + "/tests/support/failing-nwchem";
  auto second = run_qmnmr(args, tmp.path(),
                          {{"PATH", wrapper + ":" + std::string(std::getenv("PATH"))},
                           {"QMNMR_TEST_FAIL_DIR", "*/shielding/" + std::string(dir)}},
                          "second");
  ASSERT_EQ(second.exit_code, 0) << explain(second);
  for (const auto& [name, time] : kept)
    EXPECT_EQ(fs::last_write_time(job / "scratch/shielding" / name / "result.json"), time)
        << name << " was shielded again";

  auto status = read_json(job / "status.json");
  results = read_json(job / "output/results.json");
  EXPECT_EQ(status.value("status", ""), "complete");
  // NWChem really failed, twice (the first run and the retry with damping).
  EXPECT_TRUE(fs::exists(job / "logs" / ("nwchem_shielding_" + std::string(dir) + "_retry1.out")));
  json victim_row;
  double weights = 0;
  for (const auto& c : results["conformer_ensemble"]) {
    if (c["conformer_id"] == victim) victim_row = c;
    if (c.value("state", "") == "shielded") weights += c.value("weight", 0.0);
  }
  EXPECT_NEAR(weights, 1.0, 1e-9);
  ASSERT_TRUE(victim_row.is_object());
  EXPECT_EQ(victim_row.value("state", ""), "dropped");
  EXPECT_EQ(victim_row["failure"].value("kind", ""), "cphf_not_converged") << victim_row.dump(1);
  EXPECT_NE(victim_row["failure"].value("program_line", "").find("lkain"), std::string::npos)
      << victim_row.dump(1);
  // The warning names the conformer and the weight it carried (DFT energies).
  const auto& dropped = status["dropped_conformers"];
  ASSERT_TRUE(dropped.is_object()) << status.dump(1);
  EXPECT_EQ(dropped["ids"], json::array({victim}));
  std::vector<double> e;
  for (const auto& [energy, id] : shielded) e.push_back(energy);
  double z = 0, wv = 0;
  for (size_t i = 0; i < e.size(); ++i) {
    double w = std::exp(-(e[i] - e[0]) * 627.5095 / (0.001987204 * 298.15));
    z += w;
    if (i + 1 == e.size()) wv = w;
  }
  EXPECT_NEAR(dropped["estimated_weight"].get<double>(), wv / z, 1e-6);
  bool named = false;
  for (const auto& w : status["warnings"])
    named = named || w.get<std::string>().find("conformer(s) " + std::to_string(victim)) !=
                         std::string::npos;
  EXPECT_TRUE(named) << status["warnings"].dump(1);
}

}  // namespace
}  // namespace qmnmr::testing
