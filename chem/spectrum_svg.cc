// SVG stick spectra: fixed 900x360 canvas, reversed ppm axis with "nice" ticks.
#include "chem/spectrum_svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace qmnmr::chem {
namespace {

constexpr double kWidth = 900, kHeight = 360;
constexpr double kLeft = 50, kRight = 30, kTop = 50, kBottom = 60;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string ppm_text(double v, double step) {
  char buf[32];
  std::snprintf(buf, sizeof buf, step < 1 ? "%.1f" : "%.0f", v);
  return buf;
}

// Tick step giving about 10 ticks over `span`: 1, 2 or 5 times a power of ten.
double tick_step(double span) {
  double raw = span / 10;
  double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters are not allowed in XML 1.0 text.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += ' ';
        else out += c;
    }
  }
  return out;
}

std::string spectrum_svg(std::string_view nucleus, const std::vector<Peak>& peaks,
                         std::string_view title) {
  // Default window of the nucleus, widened to hold every peak.
  double lo = 0, hi = nucleus == "13C" ? 220 : 12;
  for (const auto& p : peaks) {
    lo = std::min(lo, std::floor(p.shift - 0.5));
    hi = std::max(hi, std::ceil(p.shift + 0.5));
  }
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const double base_y = kTop + plot_h;
  auto x_of = [&](double ppm) { return kLeft + (hi - ppm) / (hi - lo) * plot_w; };
  double max_i = 0;
  for (const auto& p : peaks) max_i = std::max(max_i, p.intensity);
  if (max_i <= 0) max_i = 1;

  std::string s;
  s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(kWidth) + "\" height=\"" +
       num(kHeight) + "\" viewBox=\"0 0 " + num(kWidth) + " " + num(kHeight) + "\">\n";
  s += "<rect x=\"0\" y=\"0\" width=\"" + num(kWidth) + "\" height=\"" + num(kHeight) +
       "\" fill=\"white\"/>\n";
  s += "<text x=\"" + num(kWidth / 2) + "\" y=\"28\" text-anchor=\"middle\" " +
       "font-family=\"sans-serif\" font-size=\"16\">" + xml_escape(title) + "</text>\n";
  // Axis and ticks.
  s += "<line class=\"axis\" x1=\"" + num(kLeft) + "\" y1=\"" + num(base_y) + "\" x2=\"" +
       num(kLeft + plot_w) + "\" y2=\"" + num(base_y) + "\" stroke=\"black\"/>\n";
  double step = tick_step(hi - lo);
  for (double t = std::ceil(lo / step) * step; t <= hi + 1e-9; t += step) {
    double x = x_of(t);
    s += "<line class=\"tick\" x1=\"" + num(x) + "\" y1=\"" + num(base_y) + "\" x2=\"" + num(x) +
         "\" y2=\"" + num(base_y + 6) + "\" stroke=\"black\"/>\n";
    s += "<text class=\"tick-label\" x=\"" + num(x) + "\" y=\"" + num(base_y + 20) +
         "\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"11\">" +
         ppm_text(std::abs(t) < 1e-9 ? 0.0 : t, step) + "</text>\n";
  }
  s += "<text x=\"" + num(kLeft + plot_w / 2) + "\" y=\"" + num(kHeight - 12) +
       "\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"13\">" +
       xml_escape(nucleus) + " chemical shift / ppm</text>\n";
  // Sticks, tallest first so labels of small peaks stay on top.
  std::vector<const Peak*> order;
  for (const auto& p : peaks) order.push_back(&p);
  std::stable_sort(order.begin(), order.end(),
                   [](const Peak* a, const Peak* b) { return a->intensity > b->intensity; });
  for (const Peak* p : order) {
    double x = x_of(p->shift);
    double top = base_y - std::max(0.0, p->intensity) / max_i * (plot_h - 30);
    s += "<line class=\"peak\" x1=\"" + num(x) + "\" y1=\"" + num(base_y) + "\" x2=\"" + num(x) +
         "\" y2=\"" + num(top) + "\" stroke=\"#1f4e9c\" stroke-width=\"2\"><title>" +
         xml_escape(p->label) + " " + num(p->shift) + " ppm</title></line>\n";
    s += "<text class=\"peak-label\" x=\"" + num(x) + "\" y=\"" + num(top - 4) +
         "\" text-anchor=\"start\" transform=\"rotate(-60 " + num(x) + " " + num(top - 4) +
         ")\" font-family=\"sans-serif\" font-size=\"10\">" + xml_escape(p->label) + " " +
         num(p->shift) + "</text>\n";
  }
  s += "</svg>\n";
  return s;
}

}  // namespace qmnmr::chem
