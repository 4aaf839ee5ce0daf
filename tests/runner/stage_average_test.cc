// stage_average with values: a three-conformer ethanol ensemble (energies,
// shieldings, a conformer outside the window) averaged by Boltzmann weight and
// over equivalent atoms and turned into shifts, checked to 1e-6 against
// numbers worked out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include <spdlog/spdlog.h>

#include "chem/ensemble.h"
#include "runner/pipeline/stage_context.h"
#include "support/fake_tool_runner.h"
#include "support/molecules.h"
#include "support/temp_dir.h"

namespace qmnmr::runner {
namespace {
using nlohmann::json;

TEST(StageAverage, ThreeConformersByHand) {
  testing::TempDir tmp("average");
  JobRequest request;
  request.molecule.text = "CCO";
  request.preset = "production";  // the DELTA50 regression: no TMS run needed
  request.solvent = "chcl3";
  request.conformers = "rdkit";
  const JobSpec spec = resolve_job(request);
  JobPaths paths(tmp.path() / "job");
  paths.create();
  StatusFile status(paths.status(), json::object());
  ToolContext tc;
  tc.logs_dir = paths.logs();
  testing::FakeToolRunner tools(tc);  // answers nothing: the stage must run no program
  StageContext ctx{spec,    paths, status, tools, tmp.path() / "reference",
                   testing::molecule_from_smiles("CCO"), {}, spdlog::default_logger(), {}, {}, {}};
  // Ethanol: 0 C (CH3), 1 C (CH2), 2 O, 3-5 H of the CH3, 6-7 H of the CH2, 8 H of the OH.
  ASSERT_EQ(ctx.molecule.symbols,
            (std::vector<std::string>{"C", "C", "O", "H", "H", "H", "H", "H", "H"}));
  // Energies RT ln 2 and RT ln 4 above the first: weights 1 : 1/2 : 1/4 = 4/7, 2/7, 1/7.
  const double rt_hartree = chem::kGasConstantKcal * chem::kRoomTemperature / chem::kHartreeToKcal;
  auto add = [&](int id, double hartree, std::vector<double> sigma, ConformerState state) {
    Conformer c;
    c.id = id;
    c.geometry = ctx.molecule.geometry;
    c.dft_hartree = hartree;
    c.shieldings = std::move(sigma);
    c.state = state;
    ctx.ensemble.conformers.push_back(std::move(c));
  };
  add(1, -154.0, {170.0, 120.0, 330.0, 30.0, 30.5, 31.0, 27.0, 27.6, 31.5}, ConformerState::shielded);
  add(2, -154.0 + rt_hartree * std::log(2.0), {171.0, 121.0, 331.0, 30.2, 30.9, 30.4, 27.4, 26.8, 32.5},
      ConformerState::shielded);
  add(3, -154.0 + rt_hartree * std::log(4.0), {169.0, 119.0, 329.0, 31.1, 29.6, 30.1, 26.0, 28.0, 30.0},
      ConformerState::shielded);
  // Outside the DFT window: no part of the average whatever its numbers.
  add(4, -153.9, {0, 0, 0, 0, 0, 0, 0, 0, 0}, ConformerState::dft_window_rejected);

  stage_average(ctx);
  EXPECT_TRUE(tools.calls.empty());
  const auto& cs = ctx.ensemble.conformers;
  EXPECT_NEAR(cs[0].weight, 4.0 / 7, 1e-9);
  EXPECT_NEAR(cs[1].weight, 2.0 / 7, 1e-9);
  EXPECT_NEAR(cs[2].weight, 1.0 / 7, 1e-9);
  EXPECT_EQ(cs[3].weight, 0.0);

  // Per atom, (4 s1 + 2 s2 + s3) / 7; then the CH3's three H and the CH2's two
  // (enantiotopic) H share their mean.
  const double c1 = (4 * 170.0 + 2 * 171.0 + 169.0) / 7;         // 1191 / 7
  const double c2 = (4 * 120.0 + 2 * 121.0 + 119.0) / 7;         // 841 / 7
  const double ch3 = ((4 * 30.0 + 2 * 30.2 + 31.1) + (4 * 30.5 + 2 * 30.9 + 29.6) +
                      (4 * 31.0 + 2 * 30.4 + 30.1)) / 21;         // 639.8 / 21
  const double ch2 = ((4 * 27.0 + 2 * 27.4 + 26.0) + (4 * 27.6 + 2 * 26.8 + 28.0)) / 14;  // 380.8 / 14
  const double oh = (4 * 31.5 + 2 * 32.5 + 30.0) / 7;             // 221 / 7
  // DELTA50 regression, B3LYP/6-311+G(2d,p)//B3LYP/6-31G*, CHCl3 (SCIENCE.md).
  auto h = [](double s) { return -0.9375324445748368 * s + 29.917572478615273; };
  auto c = [](double s) { return -0.9497191310466504 * s + 172.68931310563093; };
  const json& r = ctx.ensemble.results;
  ASSERT_EQ(r["c13_shifts"].size(), 2u);
  ASSERT_EQ(r["h1_shifts"].size(), 6u);
  std::map<int, json> by_index;
  for (const auto& row : r["c13_shifts"]) by_index[row["index"].get<int>()] = row;
  for (const auto& row : r["h1_shifts"]) by_index[row["index"].get<int>()] = row;
  const std::map<int, double> sigma{{1, c1}, {2, c2}, {4, ch3}, {5, ch3}, {6, ch3},
                                    {7, ch2}, {8, ch2}, {9, oh}};
  for (auto [index, s] : sigma) {
    const auto& row = by_index.at(index);
    EXPECT_NEAR(row["shielding"].get<double>(), s, 1e-6) << index;
    EXPECT_NEAR(row["shift"].get<double>(), index <= 2 ? c(s) : h(s), 1e-6) << index;
  }
  // Worked out by hand for three of them: C1 11.101387, CH3 1.354084, OH 0.318334 ppm.
  EXPECT_NEAR(by_index.at(1)["shift"].get<double>(), 11.101387, 1e-6);
  EXPECT_NEAR(by_index.at(4)["shift"].get<double>(), 1.354084, 1e-6);
  EXPECT_NEAR(by_index.at(9)["shift"].get<double>(), 0.318334, 1e-6);
  // Before the equivalence average each H keeps its own weighted shielding.
  EXPECT_NEAR(by_index.at(4)["atom_shielding"].get<double>(), (4 * 30.0 + 2 * 30.2 + 31.1) / 7, 1e-6);
  EXPECT_EQ(by_index.at(7)["equivalence_class"], by_index.at(8)["equivalence_class"]);
  EXPECT_NE(by_index.at(7)["equivalence_class"], by_index.at(4)["equivalence_class"]);
  EXPECT_NEAR(by_index.at(4)["uncertainty_ppm"].get<double>(), 0.124, 1e-9);
}

}  // namespace
}  // namespace qmnmr::runner
