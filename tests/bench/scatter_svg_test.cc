// The scatter plot: every finite point drawn with its label, lines clipped to
// the plot, text escaped, an empty plot still well-formed.
#include <gtest/gtest.h>

#include <cmath>

#include "runner/bench/scatter_svg.h"

namespace qmnmr::bench {
namespace {

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(ScatterSvg, DrawsPointsLinesAndEscapedText) {
  ScatterPlot p;
  p.title = "1H <test> & more";
  p.series = {{"a", "#123456", {{1, 1.1, "c1 H5"}, {2, 2.2, "c1 H6"}, {NAN, 3, "skipped"}}},
              {"b", "red", {{3, 2.9, "c2 H1"}}}};
  p.lines = {{"y = x", "#222", 1, 0, true}, {"", "#c00", 0, 0.5, true}};
  auto svg = scatter_svg(p);
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find("1H &lt;test&gt; &amp; more"), std::string::npos);
  EXPECT_EQ(count(svg, "<circle cx"), 3u + 2u);  // 3 finite points + 2 legend dots
  EXPECT_NE(svg.find("<title>c1 H6</title>"), std::string::npos);
  EXPECT_EQ(svg.find("skipped"), std::string::npos);
  EXPECT_EQ(count(svg, "clip-path=\"url(#plot)\""), 2u);
  EXPECT_EQ(svg.find(">-0<"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

TEST(ScatterSvg, EmptyPlotStillHasAxes) {
  ScatterPlot p;
  p.title = "nothing";
  auto svg = scatter_svg(p);
  EXPECT_NE(svg.find("<rect x="), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

}  // namespace
}  // namespace qmnmr::bench
