// qmnmr bench accuracy with the real NWChem and the test preset: all of the
// shared DELTA50 compounds (every assigned atom counted, per atom and per
// equivalent group, the cross-validated errors above the in-sample ones),
// a rerun that skips every finished compound, a written calibration that
// `qmnmr run` applies (and refuses at another level), the bench's shieldings
// equal to a bare mpirun of the same inputs, and a SIGINT that keeps the
// finished compounds for the next run. Each job runs one NWChem rank, so that
// ctest -j2 runs these beside another one-rank test (tests/CMakeLists.txt).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cmath>
#include <map>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "queue/atomic_file.h"
#include "support/qmnmr_process.h"
#include "support/temp_dir.h"

namespace qmnmr::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

fs::path delta50() { return fs::path(QMNMR_SHARED_DIR) / "delta50"; }

bool have_delta50() { return fs::is_directory(delta50() / "molecules"); }

#define NEED_DELTA50()                                                                      \
  do {                                                                                      \
    if (!have_delta50()) {                                                                  \
      if (std::getenv("CI")) FAIL() << delta50() << " is missing in CI";                    \
      GTEST_SKIP() << "needs ../shared/delta50 (reference data outside the repository)";    \
    }                                                                                       \
  } while (0)

// Experimental shifts per nucleus, counted from the set itself.
std::pair<int, int> assigned_atoms() {
  auto doc = json::parse(queue::read_file(delta50() / "experimental_shifts.json"));
  int h = 0, c = 0;
  for (const auto& [id, m] : doc["molecules"].items()) {
    h += static_cast<int>(m.value("h1_assignments", json::object()).size());
    c += static_cast<int>(m.value("c13_assignments", json::object()).size());
  }
  return {h, c};
}

int run_script(const std::string& command, const fs::path& log) {
  int rc = std::system((command + " > " + log.string() + " 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(BenchAccuracy, EveryDelta50CompoundAtTheTestPreset) {
  NEED_DELTA50();
  TempDir dir("bench-accuracy");
  const auto out = dir / "bench";
  const auto cal = dir / "lab-test.json";
  auto first = run_qmnmr({"bench", "accuracy", delta50().string(), "--preset", "test", "--out",
                          out.string(), "--write-calibration", cal.string(), "--ranks", "1"},
                         dir.path(), {}, "first");
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("[40/40] compound_40"), std::string::npos) << first.out;

  auto doc = json::parse(queue::read_file(out / "bench.json"));
  ASSERT_EQ(doc["compounds"].size(), 40u);
  for (const auto& c : doc["compounds"]) EXPECT_EQ(c["state"], "complete") << c.dump();
  auto [h_atoms, c_atoms] = assigned_atoms();
  const auto& h = doc["statistics"]["1H"];
  const auto& c = doc["statistics"]["13C"];
  EXPECT_EQ(h["per_atom"]["direct"]["n"], h_atoms);
  EXPECT_EQ(c["per_atom"]["direct"]["n"], c_atoms);
  EXPECT_EQ(h["per_atom"]["cross_validated"]["n"], h_atoms);
  EXPECT_EQ(doc["atoms"].size(), static_cast<size_t>(h_atoms + c_atoms));
  // Methyl H share one shift: fewer groups than atoms.
  EXPECT_LT(h["equivalent_averaged"]["direct"]["n"].get<int>(), h_atoms);
  for (const auto* st : {&h["per_atom"], &h["equivalent_averaged"], &c["per_atom"],
                         &c["equivalent_averaged"]}) {
    EXPECT_LT((*st)["fit"]["slope"].get<double>(), 0) << st->dump();
    // A line that never saw a compound predicts it worse than one that did.
    EXPECT_GT((*st)["cross_validated"]["mae"].get<double>(),
              (*st)["in_sample"]["mae"].get<double>());
    EXPECT_GE((*st)["cross_validated"]["rmsd"].get<double>(),
              (*st)["cross_validated"]["mae"].get<double>());
  }
  const auto report = slurp(out / "report.html");
  size_t svgs = 0;
  for (auto p = report.find("<svg"); p != std::string::npos; p = report.find("<svg", p + 1)) ++svgs;
  EXPECT_EQ(svgs, 4u);
  EXPECT_EQ(report.find("src=\"http"), std::string::npos);  // self-contained
  for (const char* f : {"bench.md", "bench_atoms.csv", "plot_1H.svg", "plot_13C.svg",
                        "residuals_1H.svg", "residuals_13C.svg"})
    EXPECT_TRUE(fs::is_regular_file(out / f)) << f;

  // A rerun computes nothing and counts the same.
  auto again = run_qmnmr({"bench", "accuracy", delta50().string(), "--preset", "test", "--out",
                          out.string(), "--ranks", "1"},
                         dir.path(), {}, "again");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("[40/40] compound_40 N-Methylpiperidine: complete already"),
            std::string::npos) << again.out;
  EXPECT_EQ(again.out.find("complete in"), std::string::npos);
  auto doc2 = json::parse(queue::read_file(out / "bench.json"));
  EXPECT_EQ(doc2["statistics"], doc["statistics"]);

  // The bench's shieldings are a bare mpirun's of the same inputs; a changed one is caught.
  const std::string script = std::string(QMNMR_SOURCE_DIR) + "/scripts/bench-bare-nwchem " +
                             out.string() + " --compounds compound_01,compound_07";
  ASSERT_EQ(run_script(script, dir / "bare.log"), 0) << slurp(dir / "bare.log");
  EXPECT_NE(slurp(dir / "bare.log").find(": equal"), std::string::npos);
  auto csv = slurp(out / "bench_atoms.csv");
  auto row = csv.find("\ncompound_07,");
  ASSERT_NE(row, std::string::npos);
  auto field = row + 1;
  for (int comma = 0; comma < 5; ++comma) field = csv.find(',', field) + 1;  // the shielding
  csv.insert(field, "1");  // 183.1 -> 1183.1
  queue::write_file_atomic(out / "bench_atoms.csv", csv);
  EXPECT_EQ(run_script(script, dir / "bare2.log"), 1) << slurp(dir / "bare2.log");
  EXPECT_NE(slurp(dir / "bare2.log").find("DIFFERS"), std::string::npos);

  // The calibration fitted on the set converts a job's shieldings, with its
  // cross-validated MAE as the uncertainty.
  auto calibration = json::parse(queue::read_file(cal));
  EXPECT_EQ(calibration["preset"], "test");
  EXPECT_EQ(calibration["compounds"], 40);
  const auto xyz = (delta50() / "molecules" / "compound_05.xyz").string();
  auto run = run_qmnmr({"run", "--xyz", xyz, "--conformers", "single", "--geometry", "fixed",
                        "--preset", "test", "--calibration", cal.string(), "--out",
                        (dir / "acetonitrile").string()},
                       dir.path(), {}, "run");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto results = json::parse(queue::read_file(dir / "acetonitrile/output/results.json"));
  const auto& line = calibration["nuclei"]["13C"];
  EXPECT_EQ(results["method"]["shift_conversion"]["13C"]["method"], "calibration");
  EXPECT_EQ(results["method"]["calibration"]["name"], "lab-test.json");
  for (const auto& r : results["c13_shifts"]) {
    EXPECT_NEAR(r["shift"].get<double>(),
                line["slope"].get<double>() * r["shielding"].get<double>() +
                    line["intercept"].get<double>(),
                1e-9);
    EXPECT_DOUBLE_EQ(r["uncertainty_ppm"].get<double>(), line["cv_mae"].get<double>());
  }
  auto refused = run_qmnmr({"run", "--xyz", xyz, "--conformers", "single", "--preset", "draft",
                            "--calibration", cal.string(), "--out", (dir / "refused").string()},
                           dir.path(), {}, "refused");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("fitted at"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(dir / "refused/input.json"));
}

TEST(BenchAccuracy, SigintKeepsTheFinishedCompounds) {
  NEED_DELTA50();
  TempDir dir("bench-sigint");
  const auto out = dir / "bench";
  std::vector<std::string> args{"bench", "accuracy", delta50().string(), "--preset", "test",
                                "--compounds", "1,3,40", "--out", out.string(), "--ranks", "1"};
  QmnmrLaunch launch;
  launch.args = args;
  launch.cwd = dir.path();
  launch.stdout_path = dir / "first.out";
  launch.stderr_path = dir / "first.err";
  launch.env = base_environment(dir.path());
  pid_t pid = start_qmnmr(launch);
  ASSERT_GT(pid, 0);
  // Interrupt once the third compound's shielding is running.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  while (std::chrono::steady_clock::now() < deadline &&
         !fs::exists(out / "compound_40/scratch/shielding/conf_001/nwchem.nw"))
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::kill(pid, SIGINT);
  EXPECT_EQ(wait_exit(pid), 130) << slurp(dir / "first.err");
  EXPECT_NE(slurp(dir / "first.err").find("run the same command again"), std::string::npos);
  auto partial = json::parse(queue::read_file(out / "bench.json"));
  EXPECT_EQ(partial["compounds"][0]["state"], "complete");
  EXPECT_EQ(partial["compounds"][1]["state"], "complete");
  EXPECT_EQ(partial["compounds"][2]["state"], "interrupted");
  EXPECT_EQ(partial["statistics"]["13C"]["per_atom"]["direct"]["n"], 3);  // C of 1 and 3 counted

  auto rest = run_qmnmr(args, dir.path(), {}, "rest");
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_NE(rest.out.find("[1/3] compound_01 Nitromethane: complete already"), std::string::npos);
  EXPECT_NE(rest.out.find("[3/3] compound_40 N-Methylpiperidine: complete in"), std::string::npos)
      << rest.out;
}

// qmnmr bench levels at the test preset: two shielding levels on three
// compounds, each compound-level a job folder; per level its figures, CPU
// time and a calibration with provenance; a rerun skips everything; and a job
// whose preset takes 1H from one level and 13C from the other runs both and
// gives each nucleus exactly the shieldings of its own level's bench folder.
TEST(BenchLevels, TwoLevelsOnThreeCompoundsAndAPresetThatTakesEachNucleusFromOne) {
  NEED_DELTA50();
  TempDir dir("bench-levels");
  const auto out = dir / "levels";
  const std::vector<std::string> args{"bench", "levels", delta50().string(), "--preset", "test",
                                      "--levels", "b3lyp/sto-3g pbe0/sto-3g", "--compounds",
                                      "1,3,5", "--out", out.string(), "--ranks", "1"};
  auto first = run_qmnmr(args, dir.path(), {}, "levels");
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("[6/6] pbe0/sto-3g @ set compound_05"), std::string::npos) << first.out;
  auto doc = json::parse(queue::read_file(out / "levels.json"));
  ASSERT_EQ(doc["levels"].size(), 2u);
  EXPECT_EQ(doc["compounds_counted"], 3);
  for (const auto& l : doc["levels"]) {
    EXPECT_EQ(l["compounds_counted"], 3) << l["key"];
    EXPECT_GT(l["cpu_seconds_per_compound"]["shielding"].get<double>(), 0) << l["key"];
    EXPECT_EQ(l["cpu_seconds_per_compound"]["geometry"].get<double>(), 0) << "fixed geometries";
    for (const char* n : {"1H", "13C"}) {
      const auto& cv = l["statistics"][n]["equivalent_averaged"]["cross_validated"];
      EXPECT_GT(cv["n"].get<int>(), 0) << l["key"] << n;
      EXPECT_GE(cv["mae"].get<double>(),
                l["statistics"][n]["equivalent_averaged"]["in_sample"]["mae"].get<double>() - 1e-9);
    }
    auto cal = json::parse(queue::read_file(l["calibration"].get<std::string>()));
    EXPECT_EQ(cal["compounds"], 3);
    EXPECT_EQ(cal["solvent"], "chcl3");
    EXPECT_NE(cal["provenance"]["nwchem_version"], "unknown");
    EXPECT_NE(cal["provenance"]["command"].get<std::string>().find("bench levels"),
              std::string::npos);
  }
  EXPECT_FALSE(doc["pareto"]["1H"].empty());
  for (const char* f : {"report.html", "pareto_1H.svg", "pareto_13C.svg", "levels.md"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  EXPECT_TRUE(doc["comparison"].is_null()) << "production's level is not among these";

  // The paired comparison against a level of the run, counted without running
  // anything; a reference that is none of the levels is refused by name.
  auto with_reference = args;
  with_reference.insert(with_reference.end(), {"--report-only", "--reference", "b3lyp/sto-3g"});
  auto compared = run_qmnmr(with_reference, dir.path(), {}, "levels-compared");
  ASSERT_EQ(compared.exit_code, 0) << compared.err;
  const auto comparison = json::parse(queue::read_file(out / "levels.json"))["comparison"];
  ASSERT_FALSE(comparison.is_null());
  EXPECT_EQ(comparison["reference"], "b3lyp/sto-3g @ set");
  ASSERT_EQ(comparison["levels"].size(), 1u);
  const auto& row = comparison["levels"][0];
  EXPECT_EQ(row["key"], "pbe0/sto-3g @ set");
  EXPECT_EQ(row["1H"]["compounds"], 3);
  EXPECT_LE(row["1H"]["low"].get<double>(), row["1H"]["difference"].get<double>());
  EXPECT_GE(row["1H"]["high"].get<double>(), row["1H"]["difference"].get<double>());
  EXPECT_NE(compared.out.find("Against B3LYP/sto-3g // set"), std::string::npos) << compared.out;
  auto bad_reference = args;
  bad_reference.insert(bad_reference.end(), {"--report-only", "--reference", "kt2/sto-3g"});
  auto refused = run_qmnmr(bad_reference, dir.path(), {}, "levels-bad-reference");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("--reference kt2/sto-3g is none of the --levels"), std::string::npos)
      << refused.err;

  auto again = run_qmnmr(args, dir.path(), {}, "levels-again");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  size_t skipped = 0;
  for (size_t at = 0; (at = again.out.find("(skipped)", at)) != std::string::npos; ++at) ++skipped;
  EXPECT_EQ(skipped, 6u) << again.out;

  // Per atom index: the shieldings of one level's bench job of acetaldehyde.
  auto shieldings = [&](const fs::path& results) {
    std::map<int, double> out_map;
    auto r = json::parse(queue::read_file(results));
    for (const char* list : {"h1_shifts", "c13_shifts"})
      for (const auto& row : r[list]) out_map[row["index"]] = row["atom_shielding"];
    return out_map;
  };
  const auto b3lyp = shieldings(out / "b3lyp_sto-3g@set/compound_03/output/results.json");
  const auto pbe0 = shieldings(out / "pbe0_sto-3g@set/compound_03/output/results.json");
  const auto xyz = (delta50() / "molecules" / "compound_03.xyz").string();
  auto split = run_qmnmr({"run", "--xyz", xyz, "--conformers", "single", "--geometry", "fixed",
                          "--preset", "test", "--level", "1H:pbe0/sto-3g;13C:b3lyp/sto-3g",
                          "--ranks", "1", "--out", (dir / "split").string()},
                         dir.path(), {}, "split");
  ASSERT_EQ(split.exit_code, 0) << split.err;
  // Both calculations are the bench's own (same geometry, level and ranks): the
  // data root's run cache gives them back instead of running them again.
  const auto log = slurp(dir / "split/logs/job.log");
  EXPECT_NE(log.find("1H shielding of conformer 1: reused from the run cache"), std::string::npos)
      << log;
  EXPECT_NE(log.find("shielding of conformer 1: reused from the run cache"), std::string::npos);
  auto results = json::parse(queue::read_file(dir / "split/output/results.json"));
  EXPECT_EQ(results["method"]["shielding_level_by_nucleus"]["1H"], "pbe0/sto-3g");
  EXPECT_EQ(results["method"]["shielding_level_by_nucleus"]["13C"], "b3lyp/sto-3g");
  EXPECT_EQ(results["method"]["shielding_runs_per_conformer"], 2);
  EXPECT_EQ(results["method"]["shift_conversion"]["1H"]["level"], "PBE0/sto-3g//B3LYP/STO-3G");
  const auto got = shieldings(dir / "split/output/results.json");
  ASSERT_FALSE(results["h1_shifts"].empty());
  for (const auto& row : results["h1_shifts"]) {
    const int i = row["index"];
    EXPECT_NEAR(got.at(i), pbe0.at(i), 1e-4) << "H" << i;
    EXPECT_GT(std::abs(pbe0.at(i) - b3lyp.at(i)), 1e-3) << "the levels differ at H" << i;
  }
  for (const auto& row : results["c13_shifts"]) {
    const int i = row["index"];
    EXPECT_NEAR(got.at(i), b3lyp.at(i), 1e-4) << "C" << i;
  }

  // A locally dense basis: H on 3-21G, the rest on STO-3G. NWChem takes the
  // input, and the H shieldings move from the plain level's.
  auto dense = run_qmnmr({"run", "--xyz", xyz, "--conformers", "single", "--geometry", "fixed",
                          "--preset", "test", "--level", "b3lyp/sto-3g[H:3-21G]", "--ranks", "1",
                          "--out", (dir / "dense").string()},
                         dir.path(), {}, "dense");
  ASSERT_EQ(dense.exit_code, 0) << dense.err;
  const auto input = slurp(dir / "dense/scratch/shielding/conf_001/nwchem.nw");
  EXPECT_NE(input.find("* library sto-3g except H\n  H library 3-21G\n"), std::string::npos)
      << input;
  auto dense_results = json::parse(queue::read_file(dir / "dense/output/results.json"));
  EXPECT_EQ(dense_results["method"]["shielding_level"], "b3lyp/sto-3g[H:3-21G]");
  EXPECT_EQ(dense_results["method"]["shielding_basis_by_element"]["H"], "3-21G");
  const auto dense_got = shieldings(dir / "dense/output/results.json");
  ASSERT_FALSE(dense_results["h1_shifts"].empty());
  for (const auto& row : dense_results["h1_shifts"]) {
    const int i = row["index"];
    EXPECT_GT(std::abs(dense_got.at(i) - b3lyp.at(i)), 1e-2) << "H" << i << " kept STO-3G";
  }
}

}  // namespace
}  // namespace qmnmr::testing
