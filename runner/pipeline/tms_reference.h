// sigma(TMS) for 1H and 13C at the preset's levels and the job's solvent, for
// levels without regression factors: computed once (optimisation + shielding
// of tetramethylsilane) and cached, keyed by everything that changes it - both
// levels (functional, basis, grid), the COSMO solvent and the NWChem version.
// The version is looked up as the job's NWChem outputs name it (status.json,
// else the outputs in its logs/: a resumed job whose NWChem runs are done);
// an entry is written under the version the TMS runs' own outputs name, and
// not at all when they name none, so no entry ever says "nwchem unknown".
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "runner/pipeline/stage_context.h"

namespace qmnmr::runner {

// The cache key text (what the cached file records) and its file name.
std::string tms_cache_key(const chem::Preset& preset, const chem::Solvent& solvent,
                          const std::string& nwchem_version);
std::string tms_cache_file_name(const std::string& key);

// {"H": sigma, "C": sigma}, from the cache or computed now. In a packed slot,
// `ranks` says how many ranks each of its two runs may start with.
std::map<std::string, double> tms_reference(
    StageContext& ctx, const std::function<std::optional<int>()>& ranks = [] {
      return std::optional<int>();
    });

// True when the job's shifts need sigma(TMS), the cache does not have it yet
// and the NWChem version (part of the key) is known: the shielding stage then
// computes it beside the conformers.
bool tms_reference_to_compute(StageContext& ctx);

}  // namespace qmnmr::runner
