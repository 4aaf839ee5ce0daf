// Test-only: FakeToolRunner, a ToolRunner that starts no program. Each run is
// answered from a script of captured outputs (tests/data): the output is
// copied to logs/<name>.out as the real runner would leave it, files a program
// would write (xtbopt.xyz) are written into its folder, and every call is
// recorded with the input it was given, so a test can check a stage's
// decisions - what it ran next, with which geometry, ranks and memory -
// without NWChem or xTB.
#pragma once
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runner/pipeline/tool_runner.h"

namespace qmnmr::testing {

struct FakeResponse {
  std::string stdout_text;                    // what the program printed
  int exit_code = 0;                          // 0, or e.g. 255 as mpirun reports NWChem failures
  std::map<std::string, std::string> files;   // written into the run's folder
  std::chrono::milliseconds takes{0};         // how long the run lasts (packed slots overlap)
  bool cannot_start = false;                  // ToolError, as for a program not installed
};

struct FakeCall {
  std::string log_name;
  std::vector<std::string> argv;
  std::filesystem::path cwd;
  std::string input_text;                     // the NWChem input deck (run_nwchem only)
  std::optional<int> max_ranks;
  int ranks = 1;
};

class FakeToolRunner final : public runner::ToolRunner {
 public:
  explicit FakeToolRunner(runner::ToolContext context);

  // Runs whose log name starts with `prefix` get these responses in order; the
  // last one repeats. The longest matching prefix wins.
  void script(const std::string& prefix, std::vector<FakeResponse> responses);

  runner::ToolRun run(const std::string& log_name, const std::vector<std::string>& argv,
                      const std::filesystem::path& cwd,
                      const std::map<std::string, std::string>& env_overrides = {}) override;
  runner::ToolRun run_nwchem(const std::string& log_name, const std::filesystem::path& input,
                             std::optional<int> max_ranks = std::nullopt) override;
  const runner::ToolContext& context() const override { return context_; }
  void set_logs_dir(const std::filesystem::path& logs_dir) override {
    context_.logs_dir = logs_dir;
  }

  std::vector<FakeCall> calls;  // in the order the runs were answered
  std::atomic<int> most_at_once{0};  // the most runs that were going at the same time

 private:
  runner::ToolRun answer(FakeCall call, int ranks);
  runner::ToolContext context_;
  std::map<std::string, std::vector<FakeResponse>> scripts_;
  std::map<std::string, size_t> used_;
  std::mutex mutex_;  // packed slots call from several threads
  std::atomic<int> running_{0};
};

// A response whose output is tests/data/<rel>.
FakeResponse captured(const std::string& rel, int exit_code = 0);

}  // namespace qmnmr::testing
