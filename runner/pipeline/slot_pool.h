// SlotPool: a stage's independent runs side by side, `slots` at a time, each
// on its own thread (each thread's programs are started and supervised in
// their own process groups by container::run_process, as one after another).
// A run's exception (a stop request, a failure every conformer shares) lets
// the runs already going finish and record their results, starts no new one,
// and is then rethrown; a stop request (JobInterrupted) wins over other errors
// so that the job is requeued, not failed.
#pragma once
#include <atomic>
#include <cstddef>
#include <functional>

namespace qmnmr::runner {

class SlotPool {
 public:
  SlotPool(int slots, int ranks_per_slot);

  // Calls task(i) for i in [0, count), at most `slots` at once. Returns when
  // every started task has returned.
  void run(std::size_t count, const std::function<void(std::size_t index)>& task);

  // The ranks an NWChem run starting now may use: its slot's share, and once
  // no task is left waiting, also the shares of the slots gone idle (the TMS
  // reference's shielding after its optimisation, the last conformers).
  int ranks_now() const;

 private:
  int slots_;
  int ranks_per_slot_;
  std::size_t count_ = 0;
  std::atomic<std::size_t> next_{0};
  std::atomic<int> busy_{0};
};

}  // namespace qmnmr::runner
