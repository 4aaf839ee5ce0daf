// `qmnmr doctor`: can the pipeline run here? Finds nwchem, xtb, mpirun and
// (optionally) crest with their versions, runs a one-rank NWChem smoke test
// through mpirun, checks the data root is writable, and shows the resource
// plan and the /dev/shm verdict. Exit 0 when the pipeline can run; otherwise
// a list of what is missing and how to install it.
#pragma once
#include "runner/modes/config.h"

namespace qmnmr::runner {

int run_doctor(const Config& config, bool as_json);

}  // namespace qmnmr::runner
