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
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include <gtest/gtest.h>

#include "chem/geometry.h"
#include "support/labels.h"
#include "support/molecules.h"
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

// One labelling through the whole pipeline: cyclohexanol's RDKit conformers
// (chairs with the OH axial or equatorial, its H anti or gauche - the gauche
// pairs mirror images of each other) keep the reference's numbering through
// xTB and DFT, so that the H cis and trans to the OH on C2 are two atoms with
// two shifts, not an average of both.
TEST(RealMoleculeLabels, CyclohexanolsConformersCarryTheReferencesLabelsThroughDft) {
  TempDir tmp("real-labels");
  const std::string smiles = "OC1CCCCC1";
  auto r = run_qmnmr({"run", "--smiles", smiles, "--name", "cyclohexanol", "--preset", "test",
                      "--conformers", "rdkit", "--max-conformers", "3", "--solvent", "chcl3",
                      "--ranks", "1", "--out", (tmp.path() / "job").string()},
                     tmp.path());
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  const fs::path job = tmp.path() / "job";
  auto results = read_json(job / "output/results.json");
  // Through DFT: optimised (computed, or a mirror twin's reflected geometry),
  // then shielded or left out by the DFT window or as a copy.
  int through_dft = 0, shielded = 0, computed = 0;
  for (const auto& conf : results["conformer_ensemble"]) {
    const std::string state = conf.value("state", "");
    if (state == "shielded" || state == "dft_window_rejected" || state == "dft_duplicate") {
      ++through_dft;
      computed += !conf.contains("mirror_of");
    }
    shielded += state == "shielded";
  }
  EXPECT_GE(through_dft, 3) << "at least three conformers through DFT";
  EXPECT_GE(shielded, 2);
  std::cout << "cyclohexanol: " << through_dft << " conformers through DFT (" << computed
            << " computed), " << shielded << " shielded\n";
  // Every conformer geometry, as generated, after DFT (the records) and as
  // written, against the reference (prepare's start geometry) by the
  // substitution test per atom.
  chem::Molecule m = molecule_from_smiles(smiles);
  m.geometry = chem::parse_xyz(slurp(job / "scratch/prepare/start.xyz"));
  int checked = 0;
  auto check = [&](const std::string& what, const chem::Geometry& g) {
    for (const auto& d : label_differences(m, m.geometry, g)) ADD_FAILURE() << what << ": " << d;
    ++checked;
  };
  for (const char* sub : {"scratch/conformers", "output/conformers"})
    for (const auto& name : files_matching(job / sub, "conf_[0-9]+\\.xyz"))
      check(std::string(sub) + "/" + name, chem::parse_xyz(slurp(job / sub / name)));
  for (const auto& conf : read_json(job / "scratch/dft_opt/done.json")["ensemble"]["conformers"])
    if (conf.contains("dft_energy_hartree"))
      check("DFT geometry of conformer " + std::to_string(conf.value("conformer_id", 0)),
            chem::parse_xyz(conf.at("xyz").get<std::string>()));
  EXPECT_GE(checked, 6);
  // C2 (atom 3) carries one H cis and one trans to the OH: two classes, two shifts.
  std::vector<json> c2_h;
  for (const auto& row : results["h1_shifts"]) {
    const auto& a = m.geometry.atoms[row["index"].get<size_t>() - 1];
    const auto& c2 = m.geometry.atoms[2];
    double d2 = (a.x - c2.x) * (a.x - c2.x) + (a.y - c2.y) * (a.y - c2.y) + (a.z - c2.z) * (a.z - c2.z);
    if (d2 < 1.2 * 1.2) c2_h.push_back(row);
  }
  ASSERT_EQ(c2_h.size(), 2u);
  EXPECT_NE(c2_h[0]["equivalence_class"], c2_h[1]["equivalence_class"]);
  EXPECT_GT(std::abs(c2_h[0]["shift"].get<double>() - c2_h[1]["shift"].get<double>()), 0.01)
      << c2_h[0].dump() << " " << c2_h[1].dump();
}

}  // namespace
}  // namespace qmnmr::testing
