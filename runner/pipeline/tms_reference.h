// sigma(TMS) for 1H and 13C at the preset's geometry level (TMS's xTB minimum
// where the preset's shieldings are on xTB minima) and one of its
// shielding levels and the job's solvent, for
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
#include <vector>

#include "runner/pipeline/stage_context.h"

namespace qmnmr::runner {

// The cache key text (what the cached file records) and its file name.
std::string tms_cache_key(const chem::Preset& preset, const chem::Level& shielding,
                          const chem::Solvent& solvent, const std::string& nwchem_version);
std::string tms_cache_file_name(const std::string& key);

// {"H": sigma, "C": sigma} at `shielding` (one of the preset's shielding
// levels), from the cache or computed now. In a packed slot, `ranks` says how
// many ranks each of its two runs may start with.
std::map<std::string, double> tms_reference(
    StageContext& ctx, const chem::Level& shielding,
    const std::function<std::optional<int>()>& ranks = [] { return std::optional<int>(); });

// The shielding levels whose sigma(TMS) the job's shifts need, the cache
// does not have yet and whose key's NWChem version is known: the shielding
// stage computes them beside the conformers.
std::vector<const chem::Level*> tms_references_to_compute(StageContext& ctx);

}  // namespace qmnmr::runner
