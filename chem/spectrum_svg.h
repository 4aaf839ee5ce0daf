// Stick-spectrum plot as a standalone SVG: ppm axis reversed (high ppm on the
// left, as NMR spectra are drawn), ticks, one labelled stick per peak.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace qmnmr::chem {

struct Peak {
  double shift = 0;      // ppm
  double intensity = 1;  // number of atoms
  std::string label;     // e.g. "H5,H6,H7"
};

// `nucleus` is "1H" or "13C" (it picks the default ppm range); any text is escaped.
std::string spectrum_svg(std::string_view nucleus, const std::vector<Peak>& peaks,
                         std::string_view title);

// Escapes &, <, >, " and ' for XML text and attributes.
std::string xml_escape(std::string_view text);

}  // namespace qmnmr::chem
