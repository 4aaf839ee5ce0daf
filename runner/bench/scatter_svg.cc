// scatter_svg: axes with "nice" ticks, points, lines clipped to the plot, legend.
#include "runner/bench/scatter_svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "chem/spectrum_svg.h"
#include "chem/text_lines.h"

namespace qmnmr::bench {
namespace {

constexpr double kWidth = 560, kHeight = 460;
constexpr double kLeft = 70, kRight = 20, kTop = 40, kBottom = 60;

std::string num(double v) { return chem::fixed_digits(v, 2); }

// A tick step of 1, 2 or 5 times a power of ten giving about `count` ticks.
double tick_step(double span, int count) {
  if (span <= 0) return 1;
  double raw = span / count, p = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

std::string tick_text(double v, double step) {
  if (std::abs(v) < step * 1e-6) v = 0;  // never "-0.0"
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", step < 1 ? (step < 0.1 ? 2 : 1) : 0, v);
  return buf;
}

struct Range {
  double lo = 0, hi = 1;
};

Range padded(double lo, double hi) {
  if (!(hi > lo)) {
    lo -= 1;
    hi += 1;
  }
  double pad = (hi - lo) * 0.05;
  return {lo - pad, hi + pad};
}

}  // namespace

std::string scatter_svg(const ScatterPlot& plot) {
  double xlo = 1e300, xhi = -1e300, ylo = 1e300, yhi = -1e300;
  for (const auto& s : plot.series)
    for (const auto& p : s.points) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
      xlo = std::min(xlo, p.x);
      xhi = std::max(xhi, p.x);
      ylo = std::min(ylo, p.y);
      yhi = std::max(yhi, p.y);
    }
  if (xlo > xhi) xlo = 0, xhi = 1, ylo = 0, yhi = 1;
  if (plot.square) xlo = ylo = std::min(xlo, ylo), xhi = yhi = std::max(xhi, yhi);
  Range xr = padded(xlo, xhi), yr = padded(ylo, yhi);
  const double pw = kWidth - kLeft - kRight, ph = kHeight - kTop - kBottom;
  auto X = [&](double x) { return kLeft + (x - xr.lo) / (xr.hi - xr.lo) * pw; };
  auto Y = [&](double y) { return kTop + ph - (y - yr.lo) / (yr.hi - yr.lo) * ph; };
  using chem::xml_escape;

  std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(kWidth) + "\" height=\"" +
       num(kHeight) + "\" viewBox=\"0 0 " + num(kWidth) + " " + num(kHeight) + "\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"" + num(kWidth / 2) + "\" y=\"24\" text-anchor=\"middle\" "
       "font-family=\"sans-serif\" font-size=\"15\">" + xml_escape(plot.title) + "</text>\n";
  s += "<rect x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" + num(pw) +
       "\" height=\"" + num(ph) + "\" fill=\"none\" stroke=\"#444\"/>\n";
  const double xs = tick_step(xr.hi - xr.lo, 6), ys = tick_step(yr.hi - yr.lo, 6);
  for (double t = std::ceil(xr.lo / xs) * xs; t <= xr.hi; t += xs)
    s += "<line x1=\"" + num(X(t)) + "\" y1=\"" + num(kTop + ph) + "\" x2=\"" + num(X(t)) +
         "\" y2=\"" + num(kTop + ph + 5) + "\" stroke=\"#444\"/><text x=\"" + num(X(t)) +
         "\" y=\"" + num(kTop + ph + 18) + "\" text-anchor=\"middle\" font-family=\"sans-serif\" "
         "font-size=\"11\">" + tick_text(t, xs) + "</text>\n";
  for (double t = std::ceil(yr.lo / ys) * ys; t <= yr.hi; t += ys)
    s += "<line x1=\"" + num(kLeft - 5) + "\" y1=\"" + num(Y(t)) + "\" x2=\"" + num(kLeft) +
         "\" y2=\"" + num(Y(t)) + "\" stroke=\"#444\"/><text x=\"" + num(kLeft - 8) + "\" y=\"" +
         num(Y(t) + 4) + "\" text-anchor=\"end\" font-family=\"sans-serif\" font-size=\"11\">" +
         tick_text(t, ys) + "</text>\n";
  s += "<text x=\"" + num(kLeft + pw / 2) + "\" y=\"" + num(kHeight - 18) +
       "\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"13\">" +
       xml_escape(plot.x_label) + "</text>\n";
  s += "<text transform=\"translate(18," + num(kTop + ph / 2) +
       ") rotate(-90)\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"13\">" +
       xml_escape(plot.y_label) + "</text>\n";
  // Lines, clipped to the plot area.
  s += "<clipPath id=\"plot\"><rect x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" +
       num(pw) + "\" height=\"" + num(ph) + "\"/></clipPath>\n";
  for (const auto& l : plot.lines)
    s += "<line clip-path=\"url(#plot)\" x1=\"" + num(X(xr.lo)) + "\" y1=\"" +
         num(Y(l.slope * xr.lo + l.intercept)) + "\" x2=\"" + num(X(xr.hi)) + "\" y2=\"" +
         num(Y(l.slope * xr.hi + l.intercept)) + "\" stroke=\"" + xml_escape(l.colour) +
         "\" stroke-width=\"1.5\"" + (l.dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>\n";
  for (const auto& ser : plot.series)
    for (const auto& p : ser.points) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
      s += "<circle cx=\"" + num(X(p.x)) + "\" cy=\"" + num(Y(p.y)) + "\" r=\"3.2\" fill=\"" +
           xml_escape(ser.colour) + "\" fill-opacity=\"0.75\"><title>" + xml_escape(p.label) +
           "</title></circle>\n";
    }
  // Legend, top left inside the plot, on white so that points do not cross its text.
  size_t entries = plot.series.size(), longest = 0;
  for (const auto& l : plot.lines) entries += l.name.empty() ? 0 : 1;
  for (const auto& ser : plot.series) longest = std::max(longest, ser.name.size());
  for (const auto& l : plot.lines) longest = std::max(longest, l.name.size());
  if (entries > 0)
    s += "<rect x=\"" + num(kLeft + 2) + "\" y=\"" + num(kTop + 2) + "\" width=\"" +
         num(28 + 6.0 * static_cast<double>(longest)) + "\" height=\"" +
         num(16.0 * static_cast<double>(entries) + 6) +
         "\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>\n";
  double ly = kTop + 16;
  for (const auto& ser : plot.series) {
    s += "<circle cx=\"" + num(kLeft + 14) + "\" cy=\"" + num(ly - 4) + "\" r=\"4\" fill=\"" +
         xml_escape(ser.colour) + "\"/><text x=\"" + num(kLeft + 24) + "\" y=\"" + num(ly) +
         "\" font-family=\"sans-serif\" font-size=\"11\">" + xml_escape(ser.name) + "</text>\n";
    ly += 16;
  }
  for (const auto& l : plot.lines) {
    if (l.name.empty()) continue;  // drawn, not listed (the lower of a pair of bounds)
    s += "<line x1=\"" + num(kLeft + 6) + "\" y1=\"" + num(ly - 4) + "\" x2=\"" + num(kLeft + 20) +
         "\" y2=\"" + num(ly - 4) + "\" stroke=\"" + xml_escape(l.colour) + "\" stroke-width=\"1.5\"" +
         (l.dashed ? " stroke-dasharray=\"4 3\"" : "") + "/><text x=\"" + num(kLeft + 24) +
         "\" y=\"" + num(ly) + "\" font-family=\"sans-serif\" font-size=\"11\">" +
         xml_escape(l.name) + "</text>\n";
    ly += 16;
  }
  s += "</svg>\n";
  return s;
}

}  // namespace qmnmr::bench
