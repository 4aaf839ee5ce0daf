// SlotPool: threads that take a stage's runs from a shared counter.
#include "runner/pipeline/slot_pool.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "runner/pipeline/tool_runner.h"

namespace qmnmr::runner {

SlotPool::SlotPool(int slots, int ranks_per_slot)
    : slots_(std::max(1, slots)), ranks_per_slot_(std::max(1, ranks_per_slot)) {}

int SlotPool::ranks_now() const {
  if (next_.load() < count_) return ranks_per_slot_;
  const int idle = std::max(0, slots_ - busy_.load());
  return ranks_per_slot_ * (1 + idle);
}

void SlotPool::run(std::size_t count, const std::function<void(std::size_t index)>& task) {
  count_ = count;
  next_ = 0;
  busy_ = 0;
  if (count == 0) return;
  const int threads = std::clamp(slots_, 1, static_cast<int>(count));
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::exception_ptr first, interrupted;
  auto body = [&] {
    for (;;) {
      if (failed.load()) return;
      ++busy_;
      const std::size_t i = next_.fetch_add(1);
      if (i >= count) {
        --busy_;
        return;
      }
      try {
        task(i);
      } catch (const JobInterrupted&) {
        std::lock_guard lock(mutex);
        if (!interrupted) interrupted = std::current_exception();
        failed = true;
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!first) first = std::current_exception();
        failed = true;
      }
      --busy_;
    }
  };
  if (threads == 1) {
    body();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (int s = 0; s < threads; ++s) pool.emplace_back(body);
    for (auto& t : pool) t.join();
  }
  if (interrupted) std::rethrow_exception(interrupted);
  if (first) std::rethrow_exception(first);
}

}  // namespace qmnmr::runner
