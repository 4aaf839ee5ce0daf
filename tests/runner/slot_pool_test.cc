// SlotPool: runs side by side within the slots, the ranks each may start with,
// and what happens to the others when one throws.
#include "runner/pipeline/slot_pool.h"

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "runner/pipeline/tool_runner.h"

namespace qmnmr::runner {
namespace {
using namespace std::chrono_literals;

// Waits (at most 5 s) until `flag` is set: the other slot's run has begun.
void await(const std::atomic<bool>& flag) {
  for (int i = 0; i < 1000 && !flag.load(); ++i) std::this_thread::sleep_for(5ms);
}

TEST(SlotPool, NeverMoreRunsAtOnceThanSlotsAndEveryRunOnce) {
  SlotPool pool(3, 1);
  std::atomic<int> now{0}, most{0};
  std::vector<std::atomic<int>> seen(10);
  pool.run(10, [&](size_t i) {
    int n = ++now;
    int m = most.load();
    while (n > m && !most.compare_exchange_weak(m, n)) {
    }
    std::this_thread::sleep_for(20ms);
    ++seen[i];
    --now;
  });
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(most.load(), 2) << "runs overlapped";
  for (auto& s : seen) EXPECT_EQ(s.load(), 1);
}

TEST(SlotPool, ARunStartedOnceNothingWaitsTakesTheIdleSlotsRanks) {
  SlotPool pool(2, 1);
  std::atomic<bool> short_done{false};
  int first = 0, second = 0, alone = 0;
  pool.run(2, [&](size_t i) {
    if (i == 1) {
      std::this_thread::sleep_for(30ms);
      short_done = true;
      return;
    }
    first = pool.ranks_now();  // beside the other run: its own share
    while (!short_done) std::this_thread::sleep_for(5ms);
    // The other thread leaves its loop (at once, or soon under load).
    for (int k = 0; k < 400 && pool.ranks_now() != 2; ++k) std::this_thread::sleep_for(5ms);
    second = pool.ranks_now();  // e.g. the TMS shielding after its optimisation
  });
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 2);
  SlotPool one(2, 1);
  one.run(1, [&](size_t) { alone = one.ranks_now(); });
  EXPECT_EQ(alone, 2) << "a single run gets every slot's ranks";
  SlotPool waiting(2, 1);
  std::vector<int> ranks(3);
  std::atomic<bool> one_started{false};
  waiting.run(3, [&](size_t i) {
    ranks[i] = waiting.ranks_now();
    if (i == 1) one_started = true;
    if (i == 0) await(one_started);  // both slots busy before run 2 can start
    std::this_thread::sleep_for(i == 1 ? 80ms : 20ms);
  });
  EXPECT_EQ(ranks[0], 1);
  EXPECT_EQ(ranks[1], 1);
  EXPECT_EQ(ranks[2], 1) << "started while run 1 still held its slot";
}

TEST(SlotPool, AFailureLetsTheRunningFinishStartsNothingNewAndIsRethrown) {
  SlotPool pool(2, 1);
  std::atomic<int> finished{0};
  std::atomic<bool> second_started{false};
  std::vector<int> started(6, 0);
  EXPECT_THROW(pool.run(6,
                        [&](size_t i) {
                          started[i] = 1;
                          if (i == 0) {
                            await(second_started);
                            throw ToolError("basis missing");
                          }
                          second_started = true;
                          std::this_thread::sleep_for(50ms);
                          ++finished;
                        }),
               ToolError);
  EXPECT_EQ(started[0] + started[1], 2);
  EXPECT_EQ(finished.load(), 1) << "run 1 was going and finished";
  int later = 0;
  for (size_t i = 3; i < 6; ++i) later += started[i];
  EXPECT_EQ(later, 0);
}

TEST(SlotPool, AStopRequestWinsOverAnotherError) {
  SlotPool pool(2, 1);
  std::atomic<bool> second_started{false};
  EXPECT_THROW(pool.run(2,
                        [&](size_t i) {
                          if (i == 0) {
                            await(second_started);
                            throw ToolError("failed");
                          }
                          second_started = true;
                          std::this_thread::sleep_for(20ms);
                          throw JobInterrupted("stop requested");
                        }),
               JobInterrupted);
}

}  // namespace
}  // namespace qmnmr::runner
