// `--conformers crest`: with the CREST stand-in (tests/support/fake-crest,
// which runs the real xTB and writes CREST's file formats) first on PATH,
// qmnmr passes CREST's command line and takes its conformers; with no crest
// on PATH it falls back to RDKit + xTB and records the warning.
#include <gtest/gtest.h>

#include "runner/run_itest_util.h"

namespace qmnmr::testing {
namespace {
namespace fs = std::filesystem;

std::string path_without_crest() {
  // The caller's PATH minus any folder holding a crest program.
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    auto dir = path.substr(start, end - start);
    if (!dir.empty() && !fs::exists(fs::path(dir) / "crest")) out += (out.empty() ? "" : ":") + dir;
    start = end + 1;
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

TEST(RunCrest, StandInCrestOnPathGivesTheConformers) {
  TempDir tmp("run_crest");
  auto job = tmp.path() / "job";
  std::string fake = std::string(QMNMR_SOURCE_DIR) + "/tests/support/fake-crest";
  auto r = run_qmnmr({"run", "--smiles", "C", "--conformers", "crest", "--preset", "test",
                      "--solvent", "chcl3", "--ranks", "1", "--out",
                      job.string()},
                     tmp.path(), {{"PATH", fake + ":" + path_without_crest()}});
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  auto argv = lines_of(slurp(job / "scratch" / "conformers" / "crest" / "crest.argv"));
  ASSERT_FALSE(argv.empty()) << "the stand-in crest never ran";
  EXPECT_EQ(argv[0], "input.xyz");
  std::vector<std::string> flags(argv.begin() + 1, argv.end());
  std::vector<std::string> expected{"--gfn2", "--alpb", "chcl3", "--chrg", "0",
                                    "--uhf",  "0",      "--ewin", "6",     "-T"};
  ASSERT_GE(flags.size(), expected.size() + 1) << slurp(job / "scratch/conformers/crest/crest.argv");
  EXPECT_EQ(std::vector<std::string>(flags.begin(), flags.begin() + expected.size()), expected);
  EXPECT_GE(std::stoi(flags[expected.size()]), 1);

  auto results = read_json(job / "output" / "results.json");
  EXPECT_EQ(results.at("conformer_source"), "crest");
  EXPECT_GE(results.at("conformer_ensemble").size(), 1u);
  EXPECT_EQ(results.at("h1_shifts").size(), 4u);
  EXPECT_EQ(results.at("c13_shifts").size(), 1u);
  auto status = read_json(job / "status.json");
  for (const auto& w : status.value("warnings", nlohmann::json::array()))
    EXPECT_EQ(w.get<std::string>().find("crest"), std::string::npos) << w;
  EXPECT_TRUE(fs::exists(job / "logs" / "crest.out"));
}

TEST(RunCrest, WithoutCrestFallsBackToRdkitAndXtbWithAWarning) {
  TempDir tmp("run_crest_fallback");
  auto job = tmp.path() / "job";
  auto r = run_qmnmr({"run", "--smiles", "C", "--conformers", "crest", "--preset", "test",
                      "--ranks", "1", "--out", job.string()},
                     tmp.path(), {{"PATH", path_without_crest()}});
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  auto status = read_json(job / "status.json");
  ASSERT_TRUE(status.contains("warnings")) << status.dump(1);
  bool warned = false;
  for (const auto& w : status.at("warnings"))
    if (w.get<std::string>().find("crest") != std::string::npos) warned = true;
  EXPECT_TRUE(warned) << status.at("warnings").dump();
  auto results = read_json(job / "output" / "results.json");
  EXPECT_EQ(results.at("conformer_source"), "rdkit (crest unavailable)");
  EXPECT_FALSE(fs::exists(job / "logs" / "crest.out"));
  EXPECT_FALSE(files_matching(job / "logs", R"(xtb_conf_\d+\.out)").empty())
      << "the fallback did not run xTB";
  EXPECT_EQ(results.at("h1_shifts").size(), 4u);
}

}  // namespace
}  // namespace qmnmr::testing
