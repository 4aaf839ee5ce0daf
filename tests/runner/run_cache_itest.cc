// The run cache with the real NWChem: the same job run again in the same data
// root takes its optimisation and shielding from the cache (no NWChem runs)
// and prints the same shifts; with `cache = false` NWChem runs again; `qmnmr
// cache prune` empties it.
#include <gtest/gtest.h>

#include "runner/run_itest_util.h"

namespace qmnmr::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

std::vector<std::string> ethanol(const fs::path& out) {
  return {"run", "--smiles", "CCO", "--conformers", "single", "--preset", "test", "--solvent",
          "vacuum", "--out", out.string()};
}

TEST(RunCache, TheSameJobAgainReusesItsNwchemRunsAndGivesTheSameShifts) {
  TempDir tmp("run_cache");
  auto first = run_qmnmr(ethanol(tmp.path() / "first"), tmp.path());
  ASSERT_EQ(first.exit_code, 0) << explain(first);
  // The optimisation and the shielding (and TMS's two when this test computed it).
  EXPECT_GE(files_matching(tmp.path() / "data/cache/runs", R"(.*\.json)").size(), 2u);

  auto again = run_qmnmr(ethanol(tmp.path() / "again"), tmp.path());
  ASSERT_EQ(again.exit_code, 0) << explain(again);
  EXPECT_TRUE(files_matching(tmp.path() / "again/logs", R"(nwchem_.*\.out)").empty())
      << "no NWChem run the second time";
  const std::string log = slurp(tmp.path() / "again/logs/job.log");
  EXPECT_EQ(lines_with(log, "reused from the run cache").size(), 2u) << log;
  auto a = read_json(tmp.path() / "first/output/results.json");
  auto b = read_json(tmp.path() / "again/output/results.json");
  // The same TMS reference too: the NWChem version that keys it comes with the cached runs.
  EXPECT_EQ(a["method"]["shift_conversion"], b["method"]["shift_conversion"]);
  for (const char* key : {"h1_shifts", "c13_shifts"}) {
    ASSERT_EQ(a[key].size(), b[key].size());
    for (size_t i = 0; i < a[key].size(); ++i)
      EXPECT_EQ(a[key][i]["shift"], b[key][i]["shift"]) << key << " " << i;
  }

  auto off = run_qmnmr(ethanol(tmp.path() / "off"), tmp.path(), {{"QMNMR_CACHE", "false"}});
  ASSERT_EQ(off.exit_code, 0) << explain(off);
  EXPECT_EQ(files_matching(tmp.path() / "off/logs", R"(nwchem_opt_conf_001\.out)").size(), 1u);

  auto prune = run_qmnmr({"cache", "prune", "--older-than", "0"}, tmp.path());
  ASSERT_EQ(prune.exit_code, 0) << explain(prune);
  EXPECT_NE(prune.out.find("removed "), std::string::npos) << prune.out;
  EXPECT_NE(prune.out.find("kept 0 "), std::string::npos) << prune.out;
  EXPECT_TRUE(files_matching(tmp.path() / "data/cache/runs", R"(.*\.json)").empty());
}

}  // namespace
}  // namespace qmnmr::testing
