// Tests for reading xtb's Hessian file and writing NWChem's driver Hessian.
#include "chem/cartesian_hessian.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "chem/error.h"

namespace qmnmr::chem {
namespace {

using ::testing::HasSubstr;

// A 1-atom 3x3 block the way xtb writes it (5 values a line, a row may wrap).
constexpr const char* kOneAtom =
    "$hessian\n"
    "        0.5000000000   0.0100000000  -0.0200000000\n"
    "        0.0100000000   0.4000000000   0.0300000000\n"
    "       -0.0200000000   0.0300000000   0.3000000000\n";

std::string message_of(const std::string& text, size_t atoms) {
  try {
    parse_xtb_hessian(text, atoms);
  } catch (const ChemError& e) {
    return e.what();
  }
  return "";
}

TEST(CartesianHessian, ReadsXtbsBlock) {
  auto h = parse_xtb_hessian(kOneAtom, 1);
  EXPECT_EQ(h.atoms, 1u);
  ASSERT_EQ(h.values.size(), 9u);
  EXPECT_DOUBLE_EQ(h.at(0, 0), 0.5);
  EXPECT_DOUBLE_EQ(h.at(2, 0), -0.02);
  EXPECT_DOUBLE_EQ(h.at(1, 2), 0.03);
  // Wrapped over lines, with a $end after it: the same matrix.
  auto wrapped = parse_xtb_hessian(
      "$hessian\n 0.5 0.01 -0.02 0.01 0.4\n 0.03 -0.02 0.03 0.3\n$end\n", 1);
  EXPECT_EQ(wrapped.values, h.values);
}

TEST(CartesianHessian, AveragesTheTriangles) {
  auto h = parse_xtb_hessian("$hessian\n 0.5 0.0100 0 0.0102 0.4 0 0 0 0.3\n", 1);
  EXPECT_DOUBLE_EQ(h.at(0, 1), 0.0101);
  EXPECT_DOUBLE_EQ(h.at(1, 0), 0.0101);
}

TEST(CartesianHessian, SaysWhatIsWrong) {
  EXPECT_THAT(message_of("0.5 0 0 0 0.4 0 0 0 0.3\n", 1), HasSubstr("no $hessian block"));
  EXPECT_THAT(message_of(kOneAtom, 2), HasSubstr("has 9 values; a molecule of 2 atoms needs 36"));
  EXPECT_THAT(message_of("$hessian\n 0.5 0 0 0 0.4 0 0 0\n", 1), HasSubstr("has 8 values"));
  EXPECT_THAT(message_of("$hessian\n 0.5 0 0 0 0.4 0 0 0 x.3\n", 1),
              HasSubstr("not a number: 'x.3'"));
  EXPECT_THAT(message_of("$hessian\n 0.5 0 0 0 0.4 0 0 0 nan\n", 1), HasSubstr("non-finite"));
  EXPECT_THAT(message_of("$hessian\n 0.5 0.2 0 0 0.4 0 0 0 0.3\n", 1),
              HasSubstr("not symmetric (row 2, column 1)"));
  EXPECT_THAT(message_of(kOneAtom, 0), HasSubstr("no $hessian block"));
}

TEST(CartesianHessian, NwchemFileIsTheLowerTriangleOnePerLine) {
  auto text = nwchem_hessian_text(parse_xtb_hessian(kOneAtom, 1));
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 6u);  // (0,0) (1,0) (1,1) (2,0) (2,1) (2,2)
  for (const auto& l : lines) EXPECT_EQ(l.size(), 30u) << l;  // Fortran f30.15
  EXPECT_EQ(lines[0], "             0.500000000000000");
  EXPECT_DOUBLE_EQ(std::stod(lines[1]), 0.01);
  EXPECT_DOUBLE_EQ(std::stod(lines[3]), -0.02);
  EXPECT_DOUBLE_EQ(std::stod(lines[4]), 0.03);
  EXPECT_DOUBLE_EQ(std::stod(lines[5]), 0.3);
}

}  // namespace
}  // namespace qmnmr::chem
