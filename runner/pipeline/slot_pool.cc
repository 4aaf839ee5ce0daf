// run_in_slots: threads that take a stage's runs from a shared counter.
#include "runner/pipeline/slot_pool.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "runner/pipeline/tool_runner.h"

namespace qmnmr::runner {

void run_in_slots(int slots, std::size_t count,
                  const std::function<void(std::size_t index, int slot)>& task) {
  if (count == 0) return;
  const int threads = std::clamp(slots, 1, static_cast<int>(count));
  if (threads == 1) {  // no thread: exceptions pass straight through
    for (std::size_t i = 0; i < count; ++i) task(i, 0);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::exception_ptr first, interrupted;
  auto body = [&](int slot) {
    for (;;) {
      if (failed.load()) return;
      const std::size_t i = next.fetch_add(1);
      if (i >= count) return;
      try {
        task(i, slot);
      } catch (const JobInterrupted&) {
        std::lock_guard lock(mutex);
        if (!interrupted) interrupted = std::current_exception();
        failed = true;
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!first) first = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (int s = 0; s < threads; ++s) pool.emplace_back(body, s);
  for (auto& t : pool) t.join();
  if (interrupted) std::rethrow_exception(interrupted);
  if (first) std::rethrow_exception(first);
}

}  // namespace qmnmr::runner
