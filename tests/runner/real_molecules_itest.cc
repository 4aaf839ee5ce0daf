// The CI part of the real-molecule suite (tests/data/real_molecules/suite.tsv,
// rows marked ci=yes): `qmnmr run --conformers rdkit --preset test
// --max-conformers 1` with the real RDKit, xTB and NWChem on small members of
// every class - a flexible chain (octan-1-ol), an amide and acid with a
// stereocentre, two stereocentres, phosphorus, sulfur with chlorine, an anion
// on an aromatic ring (benzoate: 4-bromobenzoate took four times as long), a
// cation, a bridged ring - and the two stereo
// refusals. Each completes with a shift for every H and C and a
// Boltzmann-weighted ensemble, or fails with the documented message. The whole
// suite is scripts/real-molecules. Every job runs with one NWChem rank so that
// ctest runs two of these tests side by side (tests/CMakeLists.txt).
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "chem/geometry.h"
#include "support/temp_dir.h"
#include "runner/run_itest_util.h"

namespace qmnmr::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

struct SuiteRow {
  std::string name, smiles, classes, expect;
};

std::vector<SuiteRow> ci_rows() {
  std::ifstream in(fs::path(QMNMR_TEST_DATA_DIR) / "real_molecules/suite.tsv");
  std::vector<SuiteRow> rows;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string field; std::getline(ss, field, '\t');) f.push_back(field);
    if (f.size() == 5 && f[4] == "yes") rows.push_back({f[0], f[1], f[2], f[3]});
  }
  return rows;
}

class RealMolecule : public ::testing::TestWithParam<SuiteRow> {};

TEST_P(RealMolecule, CompletesOrIsRefusedAsDocumented) {
  const auto& row = GetParam();
  TempDir tmp("real-" + row.name);
  auto r = run_qmnmr({"run", "--smiles", row.smiles, "--name", row.name, "--preset", "test",
                      "--conformers", "rdkit", "--max-conformers", "1", "--solvent", "chcl3",
                      "--ranks", "1",
                      "--out", (tmp.path() / "job").string()},
                     tmp.path());
  if (row.expect.rfind("refused:", 0) == 0) {
    EXPECT_EQ(r.exit_code, 1) << explain(r);
    EXPECT_NE(r.err.find(row.expect.substr(8)), std::string::npos) << explain(r);
    EXPECT_FALSE(fs::exists(tmp.path() / "job" / "scratch")) << "refused before any stage";
    return;
  }
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  auto results = read_json(tmp.path() / "job/output/results.json");
  auto status = read_json(tmp.path() / "job/status.json");
  EXPECT_EQ(status.value("status", ""), "complete");
  // One shift for every H and C of the molecule (explicit hydrogens).
  int h = 0, c = 0;
  for (const auto& atom : chem::parse_xyz(slurp(tmp.path() / "job/scratch/prepare/start.xyz")).atoms) {
    h += atom.symbol == "H";
    c += atom.symbol == "C";
  }
  EXPECT_EQ(results["h1_shifts"].size(), static_cast<size_t>(h));
  EXPECT_EQ(results["c13_shifts"].size(), static_cast<size_t>(c));
  double weights = 0;
  int averaged = 0;
  for (const auto& conf : results["conformer_ensemble"])
    if (conf.value("state", "") == "shielded") {
      weights += conf.value("weight", 0.0);
      ++averaged;
      // A mirror-image twin takes its partner's optimisation (0 steps of its own);
      // every other shielded conformer was optimised by DFT.
      if (conf.contains("mirror_of"))
        EXPECT_EQ(conf.value("dft_opt_steps", 0), 0) << conf.dump();
      else
        EXPECT_GT(conf.value("dft_opt_steps", 0), 0) << conf.dump();
    }
  EXPECT_GE(averaged, 1);
  EXPECT_NEAR(weights, 1.0, 1e-9);
  for (const auto& s : results["h1_shifts"]) EXPECT_TRUE(std::isfinite(s["shift"].get<double>()));
}

INSTANTIATE_TEST_SUITE_P(Suite, RealMolecule, ::testing::ValuesIn(ci_rows()),
                         [](const ::testing::TestParamInfo<SuiteRow>& info) {
                           std::string n;
                           for (char ch : info.param.name)
                             n += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           return n;
                         });

}  // namespace
}  // namespace qmnmr::testing
