// libFuzzer target: chem::parse_xyz and parse_xyz_frames (uploads, --xyz files, xtbopt.xyz and
// CREST ensembles) on arbitrary text; a ChemError is an answer, anything else a finding. What
// parses must write back (to_xyz) and parse again to the same atoms.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "chem/error.h"
#include "chem/geometry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto g = qmnmr::chem::parse_xyz(text);
    const auto again = qmnmr::chem::parse_xyz(qmnmr::chem::to_xyz(g));
    if (again.atoms.size() != g.atoms.size()) __builtin_trap();
  } catch (const qmnmr::chem::ChemError&) {
  }
  try {
    for (const auto& g : qmnmr::chem::parse_xyz_frames(text))
      if (g.atoms.empty()) __builtin_trap();  // a frame has at least one atom
  } catch (const qmnmr::chem::ChemError&) {
  }
  return 0;
}
