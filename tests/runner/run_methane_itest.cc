// End to end: `qmnmr run --smiles C --conformers single --preset test` with
// the real NWChem under mpirun (2 ranks). Checks the whole job folder and
// that the one conformer is shielded once, on its optimised geometry.
#include <cmath>
#include <optional>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "chem/geometry.h"
#include "chem/nwchem_output.h"
#include "runner/pipeline/pipeline.h"
#include "runner/run_itest_util.h"

namespace qmnmr::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// The geometry block of an NWChem input we wrote ("  C  x y z" lines).
chem::Geometry input_geometry(const std::string& nw) {
  chem::Geometry g;
  bool inside = false;
  for (const auto& line : lines_with(nw, "")) {
    if (line.rfind("geometry", 0) == 0) inside = true;
    else if (inside && line == "end") break;
    else if (inside) {
      std::istringstream in(line);
      chem::Atom a;
      in >> a.symbol >> a.x >> a.y >> a.z;
      if (in) g.atoms.push_back(a);
    }
  }
  return g;
}

// The same geometry moved so its centroid is at the origin: NWChem centres
// what it reads.
chem::Geometry centred(chem::Geometry g) {
  double c[3] = {0, 0, 0};
  for (const auto& a : g.atoms) c[0] += a.x, c[1] += a.y, c[2] += a.z;
  for (double& v : c) v /= static_cast<double>(std::max<size_t>(1, g.atoms.size()));
  for (auto& a : g.atoms) a.x -= c[0], a.y -= c[1], a.z -= c[2];
  return g;
}

double max_distance(const chem::Geometry& a, const chem::Geometry& b) {
  EXPECT_EQ(a.atoms.size(), b.atoms.size());
  double worst = 0;
  for (size_t i = 0; i < std::min(a.atoms.size(), b.atoms.size()); ++i) {
    EXPECT_EQ(a.atoms[i].symbol, b.atoms[i].symbol) << "atom " << i;
    worst = std::max({worst, std::abs(a.atoms[i].x - b.atoms[i].x),
                      std::abs(a.atoms[i].y - b.atoms[i].y),
                      std::abs(a.atoms[i].z - b.atoms[i].z)});
  }
  return worst;
}

TEST(RunMethane, SingleConformerTestPresetGivesEveryAtomItsShift) {
  TempDir tmp("run_methane");
  auto job = tmp.path() / "job";
  auto r = run_qmnmr({"run", "--smiles", "C", "--conformers", "single", "--preset", "test",
                      "--ranks", "2", "--out", job.string()},
                     tmp.path());
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  EXPECT_NE(r.out.find("results:"), std::string::npos) << r.out;

  // status.json: complete, all eight stages with durations, one entry per atom.
  auto status = read_json(job / "status.json");
  EXPECT_EQ(status.at("status"), "complete");
  const auto& steps = status.at("steps_completed");
  std::vector<std::string> names;
  for (const auto& s : steps) {
    names.push_back(s.at("step").get<std::string>());
    EXPECT_TRUE(s.at("duration_seconds").is_number()) << s.dump();
    EXPECT_GE(s.at("duration_seconds").get<double>(), 0.0);
  }
  std::vector<std::string> expected;
  for (const auto& [stage, label] : runner::pipeline_stages()) expected.push_back(stage);
  EXPECT_EQ(names, expected);
  ASSERT_EQ(expected.size(), 8u);

  const auto& nmr = status.at("nmr_results");
  ASSERT_EQ(nmr.at("h1_shifts").size(), 4u);
  ASSERT_EQ(nmr.at("c13_shifts").size(), 1u);
  std::set<int> indices;
  for (const auto* key : {"h1_shifts", "c13_shifts"})
    for (const auto& row : nmr.at(key)) {
      ASSERT_TRUE(row.contains("index") && row.contains("atom") && row.contains("shielding") &&
                  row.contains("shift"))
          << row.dump();
      int index = row.at("index").get<int>();
      indices.insert(index);
      std::string element = std::string(key) == "h1_shifts" ? "H" : "C";
      EXPECT_EQ(row.at("atom"), element + std::to_string(index));
      EXPECT_TRUE(std::isfinite(row.at("shielding").get<double>()));
      EXPECT_TRUE(std::isfinite(row.at("shift").get<double>()));
    }
  EXPECT_EQ(indices, (std::set<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(nmr.at("c13_shifts")[0].at("atom"), "C1");
  // The four H of methane are equivalent: one averaged value.
  for (const auto& row : nmr.at("h1_shifts")) {
    EXPECT_EQ(row.at("shift"), nmr.at("h1_shifts")[0].at("shift"));
    EXPECT_EQ(row.at("shielding"), nmr.at("h1_shifts")[0].at("shielding"));
  }

  // results.json: the same shifts, the method and the ensemble with weights.
  auto results = read_json(job / "output" / "results.json");
  EXPECT_EQ(results.at("h1_shifts"), nmr.at("h1_shifts"));
  EXPECT_EQ(results.at("c13_shifts"), nmr.at("c13_shifts"));
  const auto& method = results.at("method");
  EXPECT_EQ(method.at("preset"), "test");
  EXPECT_EQ(method.at("solvent"), "chcl3");
  for (const auto* key : {"functional", "geometry_basis", "shielding_basis", "shift_conversion"})
    EXPECT_TRUE(method.contains(key)) << key << " missing from " << method.dump();
  for (const auto* nucleus : {"1H", "13C"}) {
    ASSERT_TRUE(method.at("shift_conversion").contains(nucleus)) << method.dump();
    EXPECT_FALSE(method.at("shift_conversion").at(nucleus).empty());
  }
  EXPECT_EQ(results.at("conformer_source"), "single");
  const auto& ensemble = results.at("conformer_ensemble");
  ASSERT_EQ(ensemble.size(), 1u);
  EXPECT_EQ(ensemble[0].at("state"), "shielded");
  EXPECT_DOUBLE_EQ(ensemble[0].at("weight").get<double>(), 1.0);

  // shifts.csv: a header and one row per H and C.
  auto csv = slurp(job / "output" / "shifts.csv");
  auto rows = lines_with(csv, ",");
  ASSERT_EQ(rows.size(), 1u + 5u) << csv;
  EXPECT_EQ(lines_with(csv, "1H,").size(), 4u);
  EXPECT_EQ(lines_with(csv, "13C,").size(), 1u);
  for (const auto* f : {"nmredata.sdf", "spectrum_1H.svg", "spectrum_13C.svg", "optimized.xyz"})
    EXPECT_GT(fs::file_size(job / "output" / f), 0u) << f;
  EXPECT_NE(slurp(job / "output" / "nmredata.sdf").find("NMREDATA"), std::string::npos);

  // Each conformer shielded exactly once, on its optimised geometry.
  auto logs = job / "logs";
  EXPECT_EQ(files_matching(logs, R"(nwchem_opt_conf_\d+\.out)"),
            std::vector<std::string>{"nwchem_opt_conf_001.out"});
  EXPECT_EQ(files_matching(logs, R"(nwchem_shielding_conf_\d+\.out)"),
            std::vector<std::string>{"nwchem_shielding_conf_001.out"});
  auto opt = chem::parse_nwchem_output(slurp(logs / "nwchem_opt_conf_001.out"));
  auto shield = chem::parse_nwchem_output(slurp(logs / "nwchem_shielding_conf_001.out"));
  ASSERT_TRUE(opt.ok() && opt.final_geometry && opt.first_geometry);
  ASSERT_TRUE(shield.ok() && shield.first_geometry);
  EXPECT_EQ(shield.shieldings.size(), 5u);
  EXPECT_EQ(shield.geometry_tables, 1);  // a single point, no optimisation
  // The shielding input holds the optimiser's final geometry, and NWChem read
  // it as such (up to its centring).
  auto shield_input = slurp(job / "scratch" / "shielding" / "conf_001" / "nwchem.nw");
  EXPECT_LT(max_distance(input_geometry(shield_input), *opt.final_geometry), 1e-6);
  EXPECT_LT(max_distance(centred(*shield.first_geometry), centred(*opt.final_geometry)), 1e-5);
  auto start = chem::parse_xyz(slurp(job / "scratch" / "prepare" / "start.xyz"));
  EXPECT_GT(max_distance(start, *opt.final_geometry), 1e-3)
      << "the optimisation did not move the start geometry";
  EXPECT_EQ(lines_with(shield_input, "task ").size(), 1u) << shield_input;
  EXPECT_NE(shield_input.find("task dft property"), std::string::npos);
  EXPECT_NE(shield_input.find("charge 0"), std::string::npos);
  EXPECT_NE(shield_input.find("mult 1"), std::string::npos);
}

// On xTB minima (`--geometry xtb`): no DFT optimisation, the level names
// GFN2-xTB as its geometry, and sigma(TMS) is TMS's own xTB minimum's, so
// both sides of shift = sigma_TMS - sigma stand on the same kind of geometry.
TEST(RunMethane, OnXtbMinimaTheLevelAndTheTmsReferenceAreXtbs) {
  TempDir tmp("run_methane_xtb");
  auto job = tmp.path() / "job";
  auto r = run_qmnmr({"run", "--smiles", "C", "--conformers", "single", "--preset", "test",
                      "--geometry", "xtb", "--ranks", "2", "--out", job.string()},
                     tmp.path());
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  auto results = read_json(job / "output" / "results.json");
  const auto& method = results.at("method");
  EXPECT_EQ(method.at("level"), "B3LYP/STO-3G//GFN2-xTB") << method.dump();
  EXPECT_EQ(method.at("geometry_level"), "gfn2-xtb");
  EXPECT_TRUE(method.at("geometry_basis").is_null()) << "no DFT geometry, no geometry basis";
  const auto logs = job / "logs";
  EXPECT_TRUE(files_matching(logs, R"(nwchem_opt_conf_\d+\.out)").empty()) << "no DFT optimisation";
  EXPECT_EQ(files_matching(logs, R"(nwchem_shielding_conf_\d+\.out)").size(), 1u);
  const auto& h = method.at("shift_conversion").at("1H");
  ASSERT_EQ(h.at("method"), "tms_reference") << h.dump();
  // The TMS entry the job used is the one keyed by the xTB geometry.
  std::optional<json> entry;
  for (const auto& f : fs::directory_iterator(shared_reference_dir())) {
    if (f.path().extension() != ".json" || !f.path().filename().string().starts_with("tms-"))
      continue;
    auto j = read_json(f.path());
    const std::string key = j.value("key", "");
    if (key.find("geometry gfn2-xtb;") != std::string::npos &&
        key.find("shielding b3lyp/STO-3G/") != std::string::npos &&
        key.find("cosmo chcl3") != std::string::npos)
      entry = j;
  }
  ASSERT_TRUE(entry) << "no TMS entry keyed by the xTB geometry in " << shared_reference_dir();
  EXPECT_EQ(entry->at("geometry_level"), "gfn2-xtb");
  EXPECT_DOUBLE_EQ(h.at("sigma_tms").get<double>(), entry->at("sigma_H").get<double>());
  // Computed by this job (a fresh reference directory): from xtb, no NWChem optimisation.
  if (fs::exists(logs / "nwchem_tms_shielding.out")) {
    EXPECT_FALSE(files_matching(logs, R"(xtb_tms\..*)").empty());
    EXPECT_FALSE(fs::exists(logs / "nwchem_tms_opt.out"));
  }
}

}  // namespace
}  // namespace qmnmr::testing
