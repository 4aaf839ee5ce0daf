// Tests for the API's view of a status.json: the reference service's names
// and values, qmnmr's keys kept beside them.
#include "runner/api/job_view.h"

#include <gtest/gtest.h>

namespace qmnmr::api {
namespace {

using nlohmann::json;

json finished_ensemble() {
  return json::parse(R"J({
    "job_id": "j-1", "status": "complete", "current_step": null,
    "input": {"smiles": "CCO", "name": "", "preset": "production", "solvent": "chcl3",
              "conformer_mode": "rdkit", "max_conformers": 8},
    "method": {"functional": "b3lyp", "shielding_basis": "6-311+G(2d,p)", "temperature_k": 298.15},
    "conformer_ensemble": [
      {"conformer_id": 1, "state": "shielded", "weight": 0.7, "dft_energy_hartree": -155.0},
      {"conformer_id": 2, "state": "shielded", "weight": 0.3, "dft_energy_hartree": -154.999},
      {"conformer_id": 3, "state": "dft_window_rejected", "dft_energy_hartree": -154.99},
      {"conformer_id": 4, "state": "xtb_duplicate"},
      {"conformer_id": 5, "state": "dropped"}],
    "nmr_results": {
      "h1_shifts": [{"index": 4, "atom": "H4", "shift": 1.2, "shielding": 30.7},
                    {"index": 9, "atom": "H9", "shift": 3.7, "shielding": 27.9}],
      "c13_shifts": [{"index": 1, "atom": "C1", "shift": 18.0}, {"index": 2, "atom": "C2", "shift": 58.1}],
      "shift_conversion": {"1H": {"method": "regression", "mae": 0.124},
                           "13C": {"method": "regression", "mae": 1.949}}}
  })J");
}

TEST(JobView, ResultsInTheReferenceShape) {
  auto r = results_response(finished_ensemble());
  ASSERT_EQ(r["h1_shifts"].size(), 2u);
  EXPECT_EQ(r["h1_shifts"][0]["shift"], 3.7) << "highest shift first";
  EXPECT_EQ(r["h1_shifts"][0]["atom"], "H") << "the element, as the reference";
  EXPECT_EQ(r["h1_shifts"][0]["atom_label"], "H9") << "qmnmr's label kept";
  EXPECT_EQ(r["h1_shifts"][0]["shielding"], 27.9);
  EXPECT_EQ(r["c13_shifts"][0]["atom"], "C");
  EXPECT_EQ(r["functional"], "b3lyp");
  EXPECT_EQ(r["basis_set"], "6-311+G(2d,p)");
  EXPECT_EQ(r["solvent"], "chcl3");
  EXPECT_EQ(r["scaling_factor_source"], "DELTA50");
  EXPECT_EQ(r["h1_expected_mae"], "+/- 0.12 ppm");
  EXPECT_EQ(r["c13_expected_mae"], "+/- 1.95 ppm");
  EXPECT_TRUE(r.contains("shift_conversion"));
  EXPECT_TRUE(results_response(json{{"status", "queued"}}).is_null());
}

TEST(JobView, StatusNamesTheConformerModeAndProgressAsTheReference) {
  auto v = job_status_response(finished_ensemble());
  EXPECT_EQ(v["input_smiles"], "CCO");
  EXPECT_TRUE(v["input_name"].is_null()) << "an empty name is null";
  EXPECT_EQ(v["conformer_mode"], "ensemble");
  EXPECT_EQ(v["conformer_method"], "rdkit_kdg");
  EXPECT_EQ(v["conformers"], "rdkit");
  EXPECT_TRUE(v["eta_seconds"].is_null());
  const auto& p = v["conformer_progress"];
  ASSERT_EQ(p.size(), 4u) << "the xTB duplicate is not listed";
  EXPECT_EQ(p[0]["conformer_id"], "1");
  EXPECT_EQ(p[0]["status"], "nmr_complete");
  EXPECT_EQ(p[0]["energy_kcal"], 0.0);
  EXPECT_NEAR(p[1]["energy_kcal"].get<double>(), 0.63, 1e-9);
  EXPECT_EQ(p[2]["status"], "optimized");
  EXPECT_EQ(p[3]["status"], "failed");
  EXPECT_EQ(v["conformer_count"], 4);
  const auto& meta = v["ensemble_metadata"];
  EXPECT_EQ(meta["conformer_count"], 2);
  EXPECT_EQ(meta["total_generated"], 5);
  EXPECT_EQ(meta["method"], "rdkit_kdg");
  EXPECT_EQ(meta["top_populations"][0]["id"], "1");
  EXPECT_NEAR(meta["energy_range_kcal"].get<double>(), 0.63, 1e-9);
  EXPECT_EQ(v["nmr_results"]["ensemble_metadata"], meta);
}

TEST(JobView, RunningConformersFollowTheStep) {
  auto s = finished_ensemble();
  s["status"] = "running";
  s["current_step"] = "dft_opt";
  s["conformer_ensemble"] = json::parse(R"([{"conformer_id": 1, "state": "selected"},
                                            {"conformer_id": 2, "state": "dft_optimized"}])");
  auto v = job_status_response(s);
  EXPECT_EQ(v["conformer_progress"][0]["status"], "optimizing");
  EXPECT_EQ(v["conformer_progress"][1]["status"], "optimized");
  EXPECT_TRUE(v["conformer_progress"][0]["energy_kcal"].is_null());
  s["current_step"] = "shielding";
  EXPECT_EQ(job_status_response(s)["conformer_progress"][1]["status"], "nmr_running");
  EXPECT_TRUE(job_status_response(s)["ensemble_metadata"].is_null()) << "only when complete";
}

}  // namespace
}  // namespace qmnmr::api
