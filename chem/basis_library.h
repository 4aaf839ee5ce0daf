// Which elements a basis set covers, read from NWChem's own basis library at
// run time (one file per basis, e.g. /usr/share/nwchem/libraries/6-31gs,
// holding `basis "C_6-31G*" SPHERICAL` blocks), so the prepare stage can
// reject a molecule before NWChem fails on it.
#pragma once
#include <filesystem>
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

}  // namespace qmnmr::chem
