// A computed 1D spectrum as JCAMP-DX 5.01 (IUPAC's exchange format for
// spectra, read by MestReNova, TopSpin, ACD, nmrium): an evenly spaced trace
// in ppm written as XYDATA=(X++(Y..Y)) in plain ASCII numbers (AFFN), so
// that any reader takes it without the compressed forms.
#pragma once
#include <string>
#include <vector>

namespace qmnmr::chem::spectrum {

struct Trace {
  std::string title;        // free text: written with control characters removed
  std::string nucleus;      // "1H" or "13C"
  double field_mhz = 400;   // the observed nucleus's frequency
  double ppm_first = 0;     // the first point (the spectrum runs high to low ppm)
  double ppm_last = 0;
  std::vector<double> y;    // at least two points, evenly spaced
};

std::string jcamp_dx(const Trace& trace);

}  // namespace qmnmr::chem::spectrum
