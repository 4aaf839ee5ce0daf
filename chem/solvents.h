// The solvents qmnmr supports and how each program names them: the NWChem
// COSMO name, the xTB/CREST ALPB name and the key of the regression factors
// (SCIENCE.md "Solvents"), and the NMR solvent name NMReDATA reports. Look-ups by the
// user's key.
#pragma once
#include <span>
#include <string>
#include <string_view>

namespace qmnmr::chem {

// One row of the solvent table. Empty cosmo_name means no COSMO block (vacuum);
// empty alpb_name means xTB and CREST run in gas phase. `note` is non-empty
// when the xTB/CREST model differs from the NWChem one; the runner records it.
struct Solvent {
  std::string_view key;             // user-facing key, e.g. "chcl3"
  std::string_view cosmo_name;      // NWChem `cosmo / solvent <name>`
  std::string_view alpb_name;       // xTB/CREST `--alpb <name>`
  std::string_view regression_key;  // key into the shift regression table
  std::string_view nmr_name;        // NMR solvent as chemists write it ("CDCl3"); empty: vacuum
  std::string_view note;            // recorded with the results when set

  bool is_vacuum() const { return cosmo_name.empty(); }
  bool has_alpb() const { return !alpb_name.empty(); }
};

// Every supported solvent, in table order.
std::span<const Solvent> all_solvents();
// The solvent for `key` (exact, lower case). Throws ChemError listing the keys.
const Solvent& find_solvent(std::string_view key);
// "chcl3, dmso, ..." for messages and help text.
std::string solvent_keys();

}  // namespace qmnmr::chem
