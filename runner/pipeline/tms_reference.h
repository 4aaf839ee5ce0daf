// sigma(TMS) for 1H and 13C at the preset's levels and the job's solvent, for
// levels without regression factors: computed once (optimisation + shielding
// of tetramethylsilane) and cached, keyed by everything that changes it - both
// levels (functional, basis, grid), the COSMO solvent and the NWChem version.
#pragma once
#include <map>
#include <string>

#include "runner/pipeline/stage_context.h"

namespace qmnmr::runner {

// The cache key text (what the cached file records) and its file name.
std::string tms_cache_key(const chem::Preset& preset, const chem::Solvent& solvent,
                          const std::string& nwchem_version);
std::string tms_cache_file_name(const std::string& key);

// {"H": sigma, "C": sigma}, from the cache or computed now.
std::map<std::string, double> tms_reference(StageContext& ctx);

}  // namespace qmnmr::runner
