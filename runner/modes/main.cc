// The qmnmr executable: hands the command line to runner::run_cli.
#include "runner/modes/cli.h"

int main(int argc, char** argv) { return qmnmr::runner::run_cli(argc, argv); }
