// Fd::close.
#include "container/fd.h"

#include <unistd.h>

namespace qmnmr::container {

void Fd::close() {
  if (fd_ >= 0) {
    ::close(fd_);  // no retry on EINTR: Linux frees the descriptor anyway
    fd_ = -1;
  }
}

}  // namespace qmnmr::container
