// run_cli: the qmnmr command line (CLI11). The one place that catches errors
// and prints `qmnmr: error: ...` before a non-zero exit.
#pragma once

namespace qmnmr::runner {

int run_cli(int argc, char** argv);

}  // namespace qmnmr::runner
