// JobPaths: the folders of one job (status.json, input.json, scratch/,
// output/, logs/), always absolute: NWChem and xTB run inside scratch/ and
// must be given paths that do not depend on their working directory.
#pragma once
#include <filesystem>

namespace qmnmr::runner {

struct JobPaths {
  explicit JobPaths(const std::filesystem::path& job_root)
      : root(std::filesystem::absolute(job_root)) {}
  std::filesystem::path root;
  std::filesystem::path scratch() const { return root / "scratch"; }
  std::filesystem::path output() const { return root / "output"; }
  std::filesystem::path logs() const { return root / "logs"; }
  std::filesystem::path status() const { return root / "status.json"; }
  std::filesystem::path input() const { return root / "input.json"; }
  void create() const {
    for (const auto& d : {root, scratch(), output(), logs()})
      std::filesystem::create_directories(d);
  }
};

}  // namespace qmnmr::runner
