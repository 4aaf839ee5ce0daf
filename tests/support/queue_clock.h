// Test-only: a settable clock for a JobQueue under test (QueueOptions::clock).
#pragma once
#include "queue/job_queue.h"

namespace qmnmr::testing {

struct FakeClock {
  double t = 1'700'000'000.0;
  queue::QueueOptions options() {
    queue::QueueOptions o;
    o.clock = [this] { return t; };
    return o;
  }
};

}  // namespace qmnmr::testing
