// QueueError: the one exception queue/ throws (bad job ids, database trouble,
// a data root on a network filesystem). Messages are lower-case and name the
// problem and, where there is one, the fix.
#pragma once
#include <stdexcept>
#include <string>

namespace qmnmr::queue {

class QueueError : public std::runtime_error {
 public:
  explicit QueueError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace qmnmr::queue
