// Per-conformer records inside the DFT stages (scratch/<stage>/conf_NNN/
// result.json): a resumed job takes a finished conformer from its record, and
// a conformer whose failure cannot change from its record too, so it never
// repeats that failure; a failure that may pass another time (killed, time
// limit, MPI) is run again.
#pragma once
#include <filesystem>
#include <optional>

#include "runner/pipeline/ensemble.h"

namespace qmnmr::runner {

// The recorded conformer to reuse, or nullopt when it must run (again).
std::optional<Conformer> reusable_record(const std::filesystem::path& record);

void write_record(const std::filesystem::path& record, const Conformer& conformer);

}  // namespace qmnmr::runner
