// XYZ parsing and writing for Geometry.
#include "chem/geometry.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <sstream>

#include "chem/error.h"
#include "chem/text_lines.h"

namespace qmnmr::chem {
namespace {

constexpr std::array<std::string_view, 87> kElements = {
    "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne", "Na", "Mg", "Al", "Si", "P",
    "S",  "Cl", "Ar", "K",  "Ca", "Sc", "Ti", "V",  "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn",
    "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y",  "Zr", "Nb", "Mo", "Tc", "Ru", "Rh",
    "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I",  "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd",
    "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W",  "Re",
    "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn"};

// The lines of an XYZ text without trailing blank lines.
std::vector<std::string_view> xyz_lines(std::string_view text) {
  auto lines = split_lines(text);
  while (!lines.empty() && lines.back().find_first_not_of(" \t") == std::string_view::npos)
    lines.pop_back();
  return lines;
}

double parse_number(const std::string& s, size_t line_no) {
  try {
    size_t used = 0;
    double v = std::stod(s, &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  throw ChemError("xyz line " + std::to_string(line_no) + ": '" + s + "' is not a number");
}

// Parses the frame starting at lines[i]; advances i past it.
Geometry parse_frame(const std::vector<std::string_view>& lines, size_t& i) {
  auto count_fields = split_fields(lines[i]);
  size_t count = 0;
  if (count_fields.size() != 1 ||
      std::from_chars(count_fields[0].data(), count_fields[0].data() + count_fields[0].size(), count)
              .ec != std::errc{} ||
      count == 0)
    throw ChemError("xyz line " + std::to_string(i + 1) +
                    ": expected the atom count (a positive whole number), found '" +
                    std::string(lines[i]) + "'");
  // Compared without adding to `count`: a count near SIZE_MAX would wrap around.
  const size_t available = lines.size() > i + 2 ? lines.size() - i - 2 : 0;
  if (count > available)
    throw ChemError("xyz: the header says " + std::to_string(count) + " atoms but only " +
                    std::to_string(available) + " atom lines follow");
  Geometry g;
  g.comment = std::string(lines[i + 1]);
  for (size_t k = 0; k < count; ++k) {
    size_t line_no = i + 3 + k;
    auto f = split_fields(lines[i + 2 + k]);
    if (f.size() < 4)
      throw ChemError("xyz line " + std::to_string(line_no) +
                      ": expected 'symbol x y z', found '" + std::string(lines[i + 2 + k]) + "'");
    std::string symbol = canonical_symbol(f[0]);
    if (symbol.empty()) {
      // Some programs write atomic numbers instead of symbols.
      int z = 0;
      if (std::from_chars(f[0].data(), f[0].data() + f[0].size(), z).ec == std::errc{} && z > 0 &&
          z <= static_cast<int>(kElements.size()))
        symbol = std::string(kElements[z - 1]);
      else
        throw ChemError("xyz line " + std::to_string(line_no) + ": '" + f[0] +
                        "' is not an element symbol");
    }
    g.atoms.push_back({symbol, parse_number(f[1], line_no), parse_number(f[2], line_no),
                       parse_number(f[3], line_no)});
  }
  i += 2 + count;
  return g;
}

}  // namespace

std::string canonical_symbol(std::string_view symbol) {
  if (symbol.empty() || symbol.size() > 2) return {};
  std::string s;
  s += static_cast<char>(std::toupper(static_cast<unsigned char>(symbol[0])));
  if (symbol.size() == 2) s += static_cast<char>(std::tolower(static_cast<unsigned char>(symbol[1])));
  for (auto e : kElements)
    if (e == s) return s;
  return {};
}

int atomic_number(std::string_view symbol) {
  for (size_t i = 0; i < kElements.size(); ++i)
    if (kElements[i] == symbol) return static_cast<int>(i) + 1;
  return 0;
}

Geometry parse_xyz(std::string_view text) {
  auto lines = xyz_lines(text);
  if (lines.empty()) throw ChemError("xyz: the file is empty");
  size_t i = 0;
  Geometry g = parse_frame(lines, i);
  if (i < lines.size())
    throw ChemError("xyz line " + std::to_string(i + 1) +
                    ": more lines than the atom count says (a multi-frame file? use one frame)");
  return g;
}

std::vector<Geometry> parse_xyz_frames(std::string_view text) {
  auto lines = xyz_lines(text);
  std::vector<Geometry> frames;
  size_t i = 0;
  while (i < lines.size()) {
    if (lines[i].find_first_not_of(" \t") == std::string_view::npos) {
      ++i;
      continue;
    }
    frames.push_back(parse_frame(lines, i));
  }
  return frames;
}

std::string to_xyz(const Geometry& geometry, std::string_view comment) {
  std::string c(comment.empty() ? std::string_view(geometry.comment) : comment);
  for (char& ch : c)
    if (ch == '\n' || ch == '\r') ch = ' ';
  std::string out = std::to_string(geometry.atoms.size()) + "\n" + c + "\n";
  char buf[128];
  for (const auto& a : geometry.atoms) {
    std::snprintf(buf, sizeof buf, "%-2s %15.8f %15.8f %15.8f\n", a.symbol.c_str(), a.x, a.y, a.z);
    out += buf;
  }
  return out;
}

}  // namespace qmnmr::chem
