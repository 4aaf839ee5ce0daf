// The qmnmr subcommands.
#include "runner/cli.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

namespace qmnmr::runner {

int run_cli(int argc, char** argv) {
  CLI::App app{"qmnmr: NMR chemical shifts from quantum chemistry"};
  app.require_subcommand(1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qmnmr: error: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace qmnmr::runner
