// Test-only: TempDir, a fresh folder for one test under $TMPDIR (or /tmp), removed with
// everything in it when the object goes away, unless QMNMR_KEEP_TEST_DIRS is set (then its
// path is printed so a failure can be looked at).
#pragma once
#include <filesystem>
#include <string>

namespace qmnmr::testing {

class TempDir {
 public:
  // Makes $TMPDIR/qmnmr-<name>-XXXXXX (mkdtemp: unique also across parallel tests).
  explicit TempDir(const std::string& name);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace qmnmr::testing
