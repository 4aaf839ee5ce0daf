// libFuzzer target: xTB's outputs as qmnmr reads them: chem::parse_xtb_output (stdout and,
// after the first NUL byte, stderr; never throws) and chem::parse_xtb_hessian (the `hessian`
// file, for an atom count taken from the first byte, and written back for NWChem; a ChemError
// is an answer).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "chem/cartesian_hessian.h"
#include "chem/error.h"
#include "chem/xtb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const auto nul = all.find('\0');
  const auto out = all.substr(0, nul);
  const auto err = nul == std::string_view::npos ? std::string_view() : all.substr(nul + 1);
  const auto r = qmnmr::chem::parse_xtb_output(out, err);
  if (r.error && r.error->empty()) __builtin_trap();  // a failure says why
  const size_t atoms = size ? 1 + data[0] % 40 : 1;
  try {
    const auto h = qmnmr::chem::parse_xtb_hessian(all.substr(size ? 1 : 0), atoms);
    if (h.values.size() != 9 * atoms * atoms) __builtin_trap();
    if (qmnmr::chem::nwchem_hessian_text(h).empty()) __builtin_trap();
  } catch (const qmnmr::chem::ChemError&) {
  }
  return 0;
}
