// The JCAMP-DX writer: the labelled header, then ten Y values a line after
// each line's X, the Y values integers scaled by YFACTOR.
#include "chem/spectrum/jcamp.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace qmnmr::chem::spectrum {
namespace {

std::string number(double v, int digits = 10) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

std::string clean(const std::string& text) {
  std::string out;
  for (char c : text)
    if (static_cast<unsigned char>(c) >= 32 && c != 127) out += c;
  return out.empty() ? "qmnmr spectrum" : out;
}

}  // namespace

std::string jcamp_dx(const Trace& t) {
  const std::size_t n = t.y.size();
  if (n < 2) throw std::invalid_argument("jcamp-dx: a trace needs at least two points");
  if (t.nucleus != "1H" && t.nucleus != "13C")
    throw std::invalid_argument("jcamp-dx: nucleus must be 1H or 13C");
  double peak = 0;
  for (double v : t.y) peak = std::max(peak, std::abs(v));
  // Integers up to 2^30 keep nine significant digits of the trace.
  const double yfactor = peak > 0 ? peak / 1073741823.0 : 1.0;
  const double dx = (t.ppm_last - t.ppm_first) / static_cast<double>(n - 1);
  const std::string mass = t.nucleus == "1H" ? "^1H" : "^13C";
  std::string s;
  s += "##TITLE=" + clean(t.title) + "\n";
  s += "##JCAMP-DX=5.01\n";
  s += "##DATA TYPE=NMR SPECTRUM\n";
  s += "##DATA CLASS=XYDATA\n";
  s += "##ORIGIN=qmnmr (computed)\n";
  s += "##OWNER=public domain\n";
  s += "##.OBSERVE FREQUENCY=" + number(t.field_mhz) + "\n";
  s += "##.OBSERVE NUCLEUS=" + mass + "\n";
  s += "##XUNITS=PPM\n";
  s += "##YUNITS=ARBITRARY UNITS\n";
  s += "##XFACTOR=1\n";
  s += "##YFACTOR=" + number(yfactor, 12) + "\n";
  s += "##FIRSTX=" + number(t.ppm_first) + "\n";
  s += "##LASTX=" + number(t.ppm_last) + "\n";
  s += "##DELTAX=" + number(dx) + "\n";
  s += "##NPOINTS=" + std::to_string(n) + "\n";
  s += "##FIRSTY=" + number(std::llround(t.y[0] / yfactor) * yfactor, 12) + "\n";
  s += "##XYDATA=(X++(Y..Y))\n";
  for (std::size_t i = 0; i < n; i += 10) {
    s += number(t.ppm_first + dx * static_cast<double>(i));
    for (std::size_t k = i; k < std::min(n, i + 10); ++k)
      s += " " + std::to_string(std::llround(t.y[k] / yfactor));
    s += "\n";
  }
  s += "##END=\n";
  return s;
}

}  // namespace qmnmr::chem::spectrum
