// Test-only helper: runs the built qmnmr binary (QMNMR_BINARY) as a child
// process with argv only, its stdout/stderr captured to files, in a fresh
// per-test folder, with the TMS reference cache shared by the whole build
// (<folder of qmnmr>/test-reference) so the test preset's TMS runs once.
#pragma once
#include <sys/types.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace qmnmr::testing {

struct QmnmrOutcome {
  int exit_code = -1;  // 128 + signal when killed
  std::string out, err;
};

// How a child starts: extra environment (value nullopt removes the
// variable) and where stdout/stderr go.
struct QmnmrLaunch {
  std::vector<std::string> args;  // without the program name
  std::filesystem::path cwd;
  std::filesystem::path stdout_path, stderr_path;
  std::map<std::string, std::optional<std::string>> env;
};

std::filesystem::path qmnmr_binary();
// <folder of qmnmr>/test-reference: the TMS cache shared by all tests.
std::filesystem::path shared_reference_dir();
// The environment every test run gets: QMNMR_REFERENCE_DIR shared, QMNMR_DATA
// under `dir`, no other QMNMR_* variable of the caller.
std::map<std::string, std::optional<std::string>> base_environment(
    const std::filesystem::path& dir);

// Starts qmnmr in its own process group, with no signal blocked or ignored; returns the pid,
// -1 when fork fails.
pid_t start_qmnmr(const QmnmrLaunch& launch);
// Waits for `pid` and returns its exit code (128 + signal when killed).
int wait_exit(pid_t pid);
// Runs `args` in `dir` with base_environment(dir) plus `env`, waits, returns
// the exit code and the captured text (files dir/<tag>.stdout/.stderr).
QmnmrOutcome run_qmnmr(const std::vector<std::string>& args, const std::filesystem::path& dir,
                       const std::map<std::string, std::optional<std::string>>& env = {},
                       const std::string& tag = "qmnmr");

std::string slurp(const std::filesystem::path& p);
// Pids of live processes (not zombies) whose environment holds
// QMNMR_TEST_TAG=`tag`: a test's qmnmr and every program it started.
std::vector<pid_t> processes_tagged(const std::string& tag);

}  // namespace qmnmr::testing
