// libFuzzer target: chem::parse_nwchem_output, which reads whatever NWChem (or a killed
// NWChem) left, and promises never to throw; the input is split at the first NUL byte into
// stdout and stderr text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "chem/nwchem_output.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const auto nul = all.find('\0');
  const auto out = all.substr(0, nul);
  const auto err = nul == std::string_view::npos ? std::string_view() : all.substr(nul + 1);
  const auto r = qmnmr::chem::parse_nwchem_output(out, err);
  if (r.error.has_value() != (r.failure != qmnmr::chem::NwchemFailure::none)) __builtin_trap();
  if (r.final_geometry && r.final_geometry->atoms.empty()) __builtin_trap();
  return 0;
}
