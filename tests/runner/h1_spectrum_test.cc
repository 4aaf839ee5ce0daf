// The report's 1H spectrum of ethanol from one conformer and its measured
// CDCl3 shifts: couplings averaged over equivalent pairs, the multiplets a
// chemist reads (CH3 t, CH2 q, OH s), the trace's CSV and JCAMP-DX.
#include "runner/pipeline/h1_spectrum.h"

#include <gtest/gtest.h>

#include <GraphMol/GraphMol.h>

#include <algorithm>

#include "chem/symmetry.h"
#include "queue/atomic_file.h"
#include "support/molecules.h"
#include "support/temp_dir.h"

namespace qmnmr::runner {
namespace {

TEST(H1Spectrum, EthanolIsATripletAQuartetAndASinglet) {
  const chem::Molecule m = testing::molecule_from_smiles("CCO");
  Conformer c;
  c.id = 1;
  c.geometry = m.geometry;
  c.weight = 1.0;
  c.state = ConformerState::shielded;
  // H shifts as measured in CDCl3: CH3 1.22, CH2 3.69, OH 2.61.
  nlohmann::json h1 = nlohmann::json::array();
  for (const auto* a : m.rdkit->atoms()) {
    if (a->getAtomicNum() != 1) continue;
    const int heavy = (*m.rdkit->atomNeighbors(a).begin())->getIdx();
    const int z = m.rdkit->getAtomWithIdx(heavy)->getAtomicNum();
    const int heavy_h = m.rdkit->getAtomWithIdx(heavy)->getTotalNumHs(true);
    const double shift = z == 8 ? 2.61 : heavy_h == 3 ? 1.22 : 3.69;
    h1.push_back({{"index", a->getIdx() + 1}, {"atom", "H" + std::to_string(a->getIdx() + 1)},
                  {"shift", shift}});
  }
  testing::TempDir dir("h1-spectrum");
  const auto classes = chem::nmr_equivalence_classes(m);
  const H1Spectrum s = h1_spectrum(m, {&c}, h1, classes, dir.path());

  // Every CH3-CH2 pair carries the same (averaged) HLA value.
  std::vector<double> vicinal;
  for (const auto& row : s.couplings)
    if (row.at("relation") == "3J HLA") vicinal.push_back(row.at("j_hz").get<double>());
  ASSERT_EQ(vicinal.size(), 6u);
  for (double v : vicinal) EXPECT_DOUBLE_EQ(v, vicinal.front());
  EXPECT_NEAR(vicinal.front(), 5.97, 0.3);

  std::map<double, std::string> by_shift;
  for (const auto& row : s.spectrum.at("multiplets"))
    by_shift[row.at("shift").get<double>()] = row.at("multiplicity").get<std::string>();
  EXPECT_EQ(by_shift.at(1.22), "t");
  EXPECT_EQ(by_shift.at(3.69), "q");
  EXPECT_EQ(by_shift.at(2.61), "s");

  const std::string csv = queue::read_file(dir.path() / "spectrum_1H_400MHz.csv");
  EXPECT_EQ(csv.rfind("ppm,intensity\n", 0), 0u);
  // 10.0 to 0.0 ppm at 400 MHz, 4 points a Hz: 16001 points and the header.
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 16002);
  const std::string jdx = queue::read_file(dir.path() / "spectrum_1H_400MHz.jdx");
  EXPECT_NE(jdx.find("##NPOINTS=16001\n"), std::string::npos);
  EXPECT_NE(jdx.find("##.OBSERVE FREQUENCY=400\n"), std::string::npos);
  EXPECT_EQ(s.spectrum.at("files").at("jcamp_dx"), "spectrum_1H_400MHz.jdx");
}

}  // namespace
}  // namespace qmnmr::runner
