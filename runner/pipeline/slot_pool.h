// run_in_slots: a stage's independent runs side by side, `slots` at a time,
// each on its own thread (each thread's programs are started and supervised
// in their own process groups by container::run_process, as one after
// another). A run's exception (a stop request, a failure every conformer
// shares) lets the runs already going finish and record their results, starts
// no new one, and is then rethrown; a stop request (JobInterrupted) wins over
// other errors so that the job is requeued, not failed.
#pragma once
#include <cstddef>
#include <functional>

namespace qmnmr::runner {

// Calls task(i, slot) for i in [0, count), at most `slots` at once; slot is
// 0-based and names the thread the run is on. Returns when every started task
// has returned.
void run_in_slots(int slots, std::size_t count,
                  const std::function<void(std::size_t index, int slot)>& task);

}  // namespace qmnmr::runner
