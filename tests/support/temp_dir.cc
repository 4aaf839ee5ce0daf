// TempDir of temp_dir.h.
#include "support/temp_dir.h"

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace qmnmr::testing {
namespace fs = std::filesystem;

TempDir::TempDir(const std::string& name) {
  std::string pattern = (fs::temp_directory_path() / ("qmnmr-" + name + "-XXXXXX")).string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  if (std::getenv("QMNMR_KEEP_TEST_DIRS")) {
    std::fprintf(stderr, "kept %s (QMNMR_KEEP_TEST_DIRS)\n", path_.c_str());
    return;
  }
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace qmnmr::testing
