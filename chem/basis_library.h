// Which elements a basis set covers, read from NWChem's own basis library at
// run time (one file per basis, e.g. /usr/share/nwchem/libraries/6-31gs,
// holding `basis "C_6-31G*" SPHERICAL` blocks), so the prepare stage can
// reject a molecule before NWChem fails on it.
#pragma once
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace qmnmr::chem {

// NWCHEM_BASIS_LIBRARY when set (as NWChem reads it), else the Debian/Ubuntu
// location /usr/share/nwchem/libraries/. Does not check that it exists.
std::filesystem::path default_basis_library_dir();

// NWChem's library file name for a basis: lower case, '*' -> 's', parentheses
// dropped, ',' -> '_' ("6-311+G(2d,p)" -> "6-311+g2d_p").
std::string basis_library_file_name(std::string_view basis);

// Canonical element symbols with a `basis "<El>_<basis>"` entry (name compared
// case-insensitively). Reads the basis's own file, else scans the directory.
// Throws ChemError when the directory is unreadable or holds no such basis.
std::set<std::string> elements_in_basis(const std::filesystem::path& library_dir,
                                        std::string_view basis);

// The elements of `symbols` the basis lacks, sorted, unique; empty when covered.
std::vector<std::string> elements_missing_from_basis(const std::filesystem::path& library_dir,
                                                     std::string_view basis,
                                                     const std::vector<std::string>& symbols);

// The basis an element gets where a level's own basis lacks it: 6-311G*
// (all-electron; H-Ca, Ga-Kr and I in NWChem's library). The production
// shielding basis 6-311+G(2d,p) stops at Ca and 6-31G* at Kr, so a bromide or an
// iodide would otherwise be refused; the light atoms keep the level's basis,
// which carries the shifts of H and C.
inline constexpr std::string_view kHeavyElementBasis = "6-311G*";

// The basis of each element of a level for one molecule: the level's basis,
// except its own per-element bases (`own`, a locally dense set) and
// `fallback` (element -> kHeavyElementBasis) for the elements it lacks.
// `uncovered`: elements neither basis has (the molecule cannot run).
struct BasisChoice {
  std::string basis;
  std::map<std::string, std::string> own;
  std::map<std::string, std::string> fallback;
  std::vector<std::string> uncovered;

  // Every element that does not take `basis`: `own` and `fallback` together
  // (what the NWChem input writes per element).
  std::map<std::string, std::string> element_basis() const;
};
// Throws ChemError, naming the element and the fix, when a per-element basis
// of `own` (a level's locally dense set) has no entry for its element in the
// library. Every one is checked, present in a molecule or not: TMS, the
// reference, takes them too.
void check_element_bases(const std::filesystem::path& library_dir,
                         const std::map<std::string, std::string>& own);

// Throws ChemError when a per-element basis of `own` lacks its element
// (check_element_bases).
BasisChoice choose_basis(const std::filesystem::path& library_dir, std::string_view basis,
                         const std::vector<std::string>& symbols,
                         const std::map<std::string, std::string>& own = {});

}  // namespace qmnmr::chem
