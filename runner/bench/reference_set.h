// A benchmark set in the DELTA50 layout: molecules/compound_NN.xyz (line 2
// names the compound) and experimental_shifts.json (per compound, 1-based atom
// index -> experimental shift for 1H and 13C). Read once, checked, and chosen
// from (--compounds 1,5,9 or --limit N).
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qmnmr::bench {

struct ReferenceCompound {
  std::string id;      // "compound_07": the key in experimental_shifts.json and the job folder
  int number = 0;      // 7
  std::string name;    // "Acetone"
  std::string xyz;     // the XYZ file's text
  std::map<int, double> h1, c13;  // 1-based atom index -> experimental shift, ppm
};

struct ReferenceSet {
  std::filesystem::path root;
  std::string source;      // what the set says of itself (paper, conditions), may be empty
  std::string conditions;  // e.g. "CDCl3, 298K, referenced to TMS at 0.00 ppm"
  std::vector<ReferenceCompound> compounds;  // in compound-number order
};

// Reads SET. Throws std::invalid_argument naming the file and the fix when the
// layout is wrong (missing folder or file, a compound without its XYZ, an
// assignment to an atom the XYZ does not have or of the wrong element).
ReferenceSet read_reference_set(const std::filesystem::path& root);

// The compounds a run takes: `numbers` (compound numbers, each must exist) or
// the first `limit`, else all. Throws std::invalid_argument naming the fix.
std::vector<ReferenceCompound> choose_compounds(const ReferenceSet& set,
                                                const std::vector<int>& numbers,
                                                std::optional<int> limit);

// "1,5,9" or "1-5,9" -> {1,5,9} / {1,2,3,4,5,9} (whole numbers >= 1);
// throws std::invalid_argument naming `option` on anything else.
std::vector<int> parse_number_list(const std::string& text, const std::string& option);

}  // namespace qmnmr::bench
