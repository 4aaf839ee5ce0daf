// Stick spectra: well-formed markup, escaped text, reversed ppm axis.
#include "chem/spectrum_svg.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <vector>

namespace qmnmr::chem {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// True when every element opened is closed in order (a small XML tag checker).
bool balanced(const std::string& s) {
  std::vector<std::string> stack;
  for (size_t i = s.find('<'); i != std::string::npos; i = s.find('<', i + 1)) {
    size_t end = s.find('>', i);
    if (end == std::string::npos) return false;
    std::string tag = s.substr(i + 1, end - i - 1);
    if (tag.empty()) return false;
    if (tag[0] == '?' || tag[0] == '!') continue;
    if (tag[0] == '/') {
      if (stack.empty() || stack.back() != tag.substr(1)) return false;
      stack.pop_back();
    } else if (tag.back() != '/') {
      stack.push_back(tag.substr(0, tag.find(' ')));
    }
  }
  return stack.empty();
}

std::vector<double> peak_x(const std::string& svg) {
  std::vector<double> xs;
  std::regex re("<line class=\"peak\" x1=\"([0-9.]+)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator();
       ++it)
    xs.push_back(std::stod((*it)[1]));
  return xs;
}

TEST(SpectrumSvg, OneStickPerPeakHighPpmOnTheLeft) {
  // Equal intensities keep the input order in the output.
  std::vector<Peak> peaks = {{1.22, 3, "H4,H5,H6"}, {3.71, 3, "H7,H8"}, {7.26, 3, "H9"}};
  std::string svg = spectrum_svg("1H", peaks, "ethanol 1H");
  EXPECT_TRUE(balanced(svg));
  auto xs = peak_x(svg);
  ASSERT_EQ(xs.size(), 3u);
  EXPECT_GT(xs[0], xs[1]);  // 1.22 ppm right of 3.71 ppm
  EXPECT_GT(xs[1], xs[2]);
  EXPECT_THAT(svg, HasSubstr("H4,H5,H6"));
  EXPECT_THAT(svg, HasSubstr("ppm"));
}

TEST(SpectrumSvg, TitleAndLabelsAreEscaped) {
  std::string svg = spectrum_svg("13C", {{77.0, 1, "C<1>&\"x\""}}, "<script>alert(1)</script>");
  EXPECT_TRUE(balanced(svg));
  EXPECT_THAT(svg, Not(HasSubstr("<script>")));
  EXPECT_THAT(svg, HasSubstr("&lt;script&gt;"));
  EXPECT_THAT(svg, HasSubstr("C&lt;1&gt;&amp;&quot;x&quot;"));
  EXPECT_EQ(peak_x(svg).size(), 1u);
}

TEST(SpectrumSvg, AxisCoversPeaksOutsideTheDefaultRange) {
  std::string svg = spectrum_svg("13C", {{230.0, 1, "C1"}, {-5.0, 2, "C2"}}, "wide");
  EXPECT_TRUE(balanced(svg));
  auto xs = peak_x(svg);
  ASSERT_EQ(xs.size(), 2u);
  for (double x : xs) {
    EXPECT_GE(x, 50.0);
    EXPECT_LE(x, 870.0);
  }
  EXPECT_THAT(spectrum_svg("1H", {}, "empty"), HasSubstr("</svg>"));
}

}  // namespace
}  // namespace qmnmr::chem
