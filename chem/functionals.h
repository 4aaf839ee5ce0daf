// The exchange-correlation functionals a level of theory can name, each with
// the NWChem 7.0.2 `xc` (and, range-separated, `cam`) directive that computes
// it, its published definition and whether that directive was checked against
// a published figure. Resolved once from a key ("pbe0") into a row.
#pragma once
#include <span>
#include <string>
#include <string_view>

namespace qmnmr::chem {

struct Functional {
  std::string_view key;         // lower case, as levels name it: "mpw1pw91"
  std::string_view name;        // as papers print it: "mPW1PW91"
  std::string_view xc;          // the words after `xc` in NWChem's dft block
  std::string_view cam;         // the range-separation line ("cam 0.33 ..."), "" = none
  std::string_view definition;  // the published definition the directive implements
  // False when no published figure confirmed the directive (a custom mix);
  // the level table says so.
  bool verified = true;
};

std::span<const Functional> all_functionals();
// Throws ChemError listing the known keys (case-insensitive match).
const Functional& find_functional(std::string_view key);
std::string functional_keys();

}  // namespace qmnmr::chem
