// First-order multiplet labels for hand-made groups, and the JCAMP-DX
// writer's header and data read back.
#include "chem/spectrum/multiplets.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "chem/spectrum/jcamp.h"

namespace qmnmr::chem::spectrum {
namespace {

TEST(Multiplets, EthylIsAQuartetAndATriplet) {
  // CH2 (2 H, 3.70) and CH3 (3 H, 1.20), 7.0 Hz; an isolated OH.
  const std::vector<SignalGroup> g = {{3.70, 2}, {1.20, 3}, {2.1, 1}};
  const std::vector<std::vector<double>> j = {{0, 7.0, 0}, {7.0, 0, 0}, {0, 0, 0}};
  const auto m = first_order_multiplets(g, j, {.field_mhz = 400});
  EXPECT_EQ(m[0].label, "q");
  EXPECT_EQ(m[0].j_hz, std::vector<double>{7.0});
  EXPECT_EQ(m[1].label, "t");
  EXPECT_EQ(m[2].label, "s");
  // At 60 MHz |J|/dnu = 0.047: still first order by the 0.1 rule; at 20 MHz not.
  EXPECT_EQ(first_order_multiplets(g, j, {.field_mhz = 60})[0].label, "q");
  EXPECT_EQ(first_order_multiplets(g, j, {.field_mhz = 20})[0].label, "m");
}

TEST(Multiplets, DistinctCouplingsMakeDdAndDtAndCloseOnesMerge) {
  // Styrene's alpha H: trans 17.6, cis 10.9 -> dd; a CH next to a CH (10)
  // and a CH2 (6.0, 6.4: merged) -> dt with the mean of the two.
  const std::vector<SignalGroup> g = {{6.7, 1}, {5.7, 1}, {5.2, 1}};
  const std::vector<std::vector<double>> j = {{0, 17.6, 10.9}, {17.6, 0, 1.0}, {10.9, 1.0, 0}};
  const auto m = first_order_multiplets(g, j);
  EXPECT_EQ(m[0].label, "dd");
  EXPECT_EQ(m[0].j_hz, (std::vector<double>{17.6, 10.9}));
  EXPECT_EQ(m[1].label, "dd");  // 17.6 and the 1.0 geminal, just resolved

  const std::vector<SignalGroup> h = {{4.0, 1}, {2.0, 1}, {1.5, 1}, {1.45, 1}};
  const std::vector<std::vector<double>> k = {
      {0, 10.0, 6.0, 6.4}, {10.0, 0, 0, 0}, {6.0, 0, 0, 0}, {6.4, 0, 0, 0}};
  const auto mh = first_order_multiplets(h, k);
  EXPECT_EQ(mh[0].label, "dt");
  ASSERT_EQ(mh[0].j_hz.size(), 2u);
  EXPECT_NEAR(mh[0].j_hz[1], 6.2, 1e-12);
  // Four distinct couplings or more are reported as a multiplet.
  const std::vector<std::vector<double>> many = {
      {0, 12.0, 8.0, 4.0}, {12.0, 0, 0, 0}, {8.0, 0, 0, 0}, {4.0, 0, 0, 0}};
  EXPECT_EQ(first_order_multiplets(h, many)[0].label, "ddd");
  std::vector<SignalGroup> five = {{4.0, 1}, {2.0, 1}, {2.5, 1}, {3.0, 1}, {1.0, 1}};
  std::vector<std::vector<double>> jf(5, std::vector<double>(5, 0));
  for (int i = 1; i < 5; ++i) jf[0][i] = jf[i][0] = 2.5 * i;
  EXPECT_EQ(first_order_multiplets(five, jf)[0].label, "m");
  EXPECT_TRUE(first_order_multiplets(five, jf)[0].j_hz.empty());
}

TEST(Jcamp, TheHeaderAndTheDataReadBack) {
  Trace t{"ethanol\n1H", "1H", 400, 10.0, 0.0, {}};
  for (int i = 0; i < 25; ++i) t.y.push_back(i == 12 ? 1.0 : 0.001 * i);
  const std::string s = jcamp_dx(t);
  EXPECT_NE(s.find("##TITLE=ethanol1H\n"), std::string::npos);  // no control characters
  EXPECT_NE(s.find("##JCAMP-DX=5.01\n"), std::string::npos);
  EXPECT_NE(s.find("##.OBSERVE NUCLEUS=^1H\n"), std::string::npos);
  EXPECT_NE(s.find("##NPOINTS=25\n"), std::string::npos);
  EXPECT_EQ(s.substr(s.size() - 7), "##END=\n");
  // Read the XYDATA back: 25 values, each within YFACTOR of the trace.
  double yfactor = 0;
  std::istringstream in(s);
  std::string line;
  std::vector<double> back;
  bool data = false;
  while (std::getline(in, line)) {
    if (line.rfind("##YFACTOR=", 0) == 0) yfactor = std::stod(line.substr(10));
    if (line.rfind("##XYDATA", 0) == 0) {
      data = true;
      continue;
    }
    if (line.rfind("##", 0) == 0) {
      data = false;
      continue;
    }
    if (!data) continue;
    std::istringstream row(line);
    double x;
    row >> x;
    EXPECT_NEAR(x, 10.0 - (10.0 / 24) * static_cast<double>(back.size()), 1e-9);
    long long v;
    while (row >> v) back.push_back(static_cast<double>(v) * yfactor);
  }
  ASSERT_EQ(back.size(), 25u);
  for (std::size_t i = 0; i < 25; ++i) EXPECT_NEAR(back[i], t.y[i], 2 * yfactor);
  EXPECT_THROW(jcamp_dx({"x", "19F", 400, 1, 0, {1, 2}}), std::invalid_argument);
}

}  // namespace
}  // namespace qmnmr::chem::spectrum
