// End to end: the molecule's charge and spin reach every program. The
// methylammonium cation carries charge +1 into the xTB command lines and the
// NWChem inputs; the methyl radical runs as a doublet (odft, mult 2).
#include <gtest/gtest.h>

#include "runner/run_itest_util.h"

namespace qmnmr::testing {
namespace {
namespace fs = std::filesystem;

std::vector<fs::path> nwchem_inputs(const fs::path& job) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(job / "scratch"))
    if (e.path().filename() == "nwchem.nw" && e.path().string().find("/tms/") == std::string::npos)
      out.push_back(e.path());
  return out;
}

TEST(RunChargeSpin, MethylammoniumCarriesChargeOneIntoXtbAndNwchem) {
  TempDir tmp("run_methylammonium");
  auto job = tmp.path() / "job";
  auto r = run_qmnmr({"run", "--smiles", "C[NH3+]", "--conformers", "rdkit", "--max-conformers",
                      "1", "--preset", "test", "--ranks", "1", "--out", job.string()},
                     tmp.path());
  ASSERT_EQ(r.exit_code, 0) << explain(r);

  // xTB: every run's command line (job.log) has --chrg 1 --uhf 0.
  auto job_log = slurp(job / "logs" / "job.log");
  auto xtb_lines = lines_with(job_log, "running xtb");
  ASSERT_FALSE(xtb_lines.empty()) << job_log;
  for (const auto& line : xtb_lines) {
    EXPECT_NE(line.find("--chrg 1 "), std::string::npos) << line;
    EXPECT_NE(line.find("--uhf 0"), std::string::npos) << line;
  }
  // And xTB itself saw a cation: its output reports the charge.
  for (const auto& out : files_matching(job / "logs", R"(xtb_conf_\d+\.out)")) {
    auto text = slurp(job / "logs" / out);
    EXPECT_NE(text.find("--chrg 1"), std::string::npos) << out << " does not echo --chrg 1";
    EXPECT_NE(text.find("total charge               1.0"), std::string::npos)
        << out << " does not report a total charge of 1";
  }

  auto inputs = nwchem_inputs(job);
  ASSERT_GE(inputs.size(), 2u);
  for (const auto& p : inputs) {
    auto text = slurp(p);
    EXPECT_EQ(lines_with(text, "charge ").size(), 1u) << p;
    EXPECT_NE(text.find("\ncharge 1\n"), std::string::npos) << p << ":\n" << text;
    EXPECT_NE(text.find("mult 1"), std::string::npos) << p;
  }

  auto results = read_json(job / "output" / "results.json");
  EXPECT_EQ(results.at("molecule").at("charge"), 1);
  EXPECT_EQ(results.at("molecule").at("multiplicity"), 1);
  EXPECT_EQ(results.at("h1_shifts").size(), 6u);
  EXPECT_EQ(results.at("c13_shifts").size(), 1u);
  auto status = read_json(job / "status.json");
  EXPECT_EQ(status.at("molecule").at("charge"), 1);
}

TEST(RunChargeSpin, AnOpenShellIsRefusedUnlessAskedFor) {
  TempDir tmp("run_radical_refused");
  auto job = tmp.path() / "job";
  auto r = run_qmnmr({"run", "--smiles", "[CH3]", "--conformers", "single", "--preset", "test",
                      "--ranks", "1", "--out", job.string()},
                     tmp.path());
  EXPECT_EQ(r.exit_code, 1) << explain(r);
  EXPECT_NE(r.err.find("multiplicity 2"), std::string::npos) << explain(r);
  EXPECT_NE(r.err.find("--open-shell"), std::string::npos) << explain(r);
  EXPECT_FALSE(std::filesystem::exists(job / "scratch" / "dft_opt")) << "refused before any program";
}

TEST(RunChargeSpin, MethylRadicalRunsAsADoubletWhenAskedFor) {
  TempDir tmp("run_methyl_radical");
  auto job = tmp.path() / "job";
  auto r = run_qmnmr({"run", "--smiles", "[CH3]", "--conformers", "single", "--preset", "test",
                      "--open-shell", "--ranks", "1", "--out", job.string()},
                     tmp.path());
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  auto inputs = nwchem_inputs(job);
  ASSERT_EQ(inputs.size(), 2u);
  for (const auto& p : inputs) {
    auto text = slurp(p);
    EXPECT_NE(text.find("mult 2"), std::string::npos) << p << ":\n" << text;
    EXPECT_NE(text.find("odft"), std::string::npos) << p;
    EXPECT_NE(text.find("\ncharge 0\n"), std::string::npos) << p;
  }
  auto results = read_json(job / "output" / "results.json");
  EXPECT_EQ(results.at("molecule").at("multiplicity"), 2);
  EXPECT_EQ(read_json(job / "status.json").at("molecule").at("multiplicity"), 2);
  EXPECT_EQ(results.at("h1_shifts").size(), 3u);
  EXPECT_EQ(results.at("c13_shifts").size(), 1u);
  // Against TMS, marked open-shell, no uncertainty.
  EXPECT_EQ(results.at("open_shell"), true);
  EXPECT_EQ(results.at("method").at("shift_conversion").at("1H").at("open_shell"), true);
  for (const auto& row : results.at("h1_shifts")) EXPECT_TRUE(row.at("uncertainty_ppm").is_null());
}

}  // namespace
}  // namespace qmnmr::testing
