// Test-only: FakeToolRunner.
#include "support/fake_tool_runner.h"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "queue/atomic_file.h"
#include "support/molecules.h"

namespace qmnmr::testing {
namespace fs = std::filesystem;

FakeToolRunner::FakeToolRunner(runner::ToolContext context) : context_(std::move(context)) {}

void FakeToolRunner::script(const std::string& prefix, std::vector<FakeResponse> responses) {
  std::lock_guard lock(mutex_);
  if (responses.empty()) throw std::invalid_argument("FakeToolRunner::script: no responses");
  scripts_[prefix] = std::move(responses);
  used_[prefix] = 0;
}

runner::ToolRun FakeToolRunner::answer(FakeCall call, int ranks) {
  std::unique_lock lock(mutex_);
  const std::string* best = nullptr;
  for (const auto& [prefix, responses] : scripts_)
    if (call.log_name.rfind(prefix, 0) == 0 && (!best || prefix.size() > best->size()))
      best = &prefix;
  if (!best) throw std::logic_error("FakeToolRunner: no script for run '" + call.log_name + "'");
  auto& responses = scripts_[*best];
  size_t& used = used_[*best];
  const FakeResponse& r = responses[std::min(used, responses.size() - 1)];
  ++used;
  if (r.cannot_start) {
    calls.push_back(call);
    throw runner::ToolError("cannot start " + (call.argv.empty() ? call.log_name : call.argv[0]) +
                            ": No such file or directory");
  }
  fs::create_directories(context_.logs_dir);
  runner::ToolRun run;
  run.stdout_path = context_.logs_dir / (call.log_name + ".out");
  run.stderr_path = context_.logs_dir / (call.log_name + ".err");
  queue::write_file_atomic(run.stdout_path, r.stdout_text);
  queue::write_file_atomic(run.stderr_path, "");
  for (const auto& [name, text] : r.files) queue::write_file_atomic(call.cwd / name, text);
  run.outcome.kind = container::Outcome::Kind::exited;
  run.outcome.program = call.argv.empty() ? "nwchem" : call.argv.front();
  run.outcome.exit_code = r.exit_code;
  run.ranks = ranks;
  if (r.takes.count() > 0) {  // the run lasts: others may start meanwhile
    lock.unlock();
    const int now = ++running_;
    int seen = most_at_once.load();
    while (now > seen && !most_at_once.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(r.takes);
    --running_;
    lock.lock();
  } else if (most_at_once.load() == 0) {
    most_at_once = 1;
  }
  calls.push_back(std::move(call));
  return run;
}

runner::ToolRun FakeToolRunner::run(const std::string& log_name,
                                    const std::vector<std::string>& argv, const fs::path& cwd,
                                    const std::map<std::string, std::string>&) {
  return answer({log_name, argv, cwd, "", std::nullopt, 1}, 1);
}

runner::ToolRun FakeToolRunner::run_nwchem(const std::string& log_name, const fs::path& input,
                                           std::optional<int> max_ranks) {
  int ranks = std::min(context_.plan.ranks, max_ranks.value_or(context_.plan.ranks));
  return answer({log_name, {"mpirun", "nwchem"}, input.parent_path(), queue::read_file(input),
                 max_ranks, ranks},
                ranks);
}

FakeResponse captured(const std::string& rel, int exit_code) {
  return FakeResponse{test_data(rel), exit_code, {}, {}};
}

}  // namespace qmnmr::testing
