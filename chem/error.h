// ChemError: the one exception chem/ throws for bad molecules, bad tool
// output or unsupported settings. Messages are lower-case, say what is wrong
// and, where there is one, the fix.
#pragma once
#include <stdexcept>
#include <string>

namespace qmnmr::chem {

class ChemError : public std::runtime_error {
 public:
  explicit ChemError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace qmnmr::chem
