// A scatter plot as a standalone SVG: x and y axes with ticks, point series
// in their own colours (each point's label as a hover title), straight lines
// (a fit, y = x) and a legend. For the benchmark's predicted-vs-experimental
// and residual plots.
#pragma once
#include <string>
#include <vector>

namespace qmnmr::bench {

struct ScatterPoint {
  double x = 0, y = 0;
  std::string label;  // shown on hover, e.g. "compound_07 Acetone H5: 2.17 / 2.09"
};

struct ScatterSeries {
  std::string name;
  std::string colour;  // CSS colour
  std::vector<ScatterPoint> points;
};

struct ScatterLine {  // y = slope * x + intercept over the plot's x range
  std::string name;
  std::string colour;
  double slope = 1, intercept = 0;
  bool dashed = false;
};

struct ScatterPlot {
  std::string title, x_label, y_label;
  std::vector<ScatterSeries> series;
  std::vector<ScatterLine> lines;
  bool square = false;  // the same range on both axes (predicted vs experimental)
};

// Any text is escaped; an empty plot still draws its axes.
std::string scatter_svg(const ScatterPlot& plot);

}  // namespace qmnmr::bench
