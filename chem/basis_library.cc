// Reads NWChem basis library files and lists the elements a basis covers.
#include "chem/basis_library.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include "chem/error.h"
#include "chem/geometry.h"

namespace qmnmr::chem {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// Adds to `out` every element of a `basis "El_<name>" ...` line whose name
// matches `wanted` (lower case).
void collect(std::string_view text, const std::string& wanted, std::set<std::string>& out) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.size() < 7 || lower(line.substr(0, 5)) != "basis") continue;
    size_t q1 = line.find('"');
    if (q1 == std::string_view::npos) continue;
    size_t q2 = line.find('"', q1 + 1);
    if (q2 == std::string_view::npos) continue;
    std::string_view tag = line.substr(q1 + 1, q2 - q1 - 1);
    size_t us = tag.find('_');
    if (us == std::string_view::npos) continue;
    if (lower(tag.substr(us + 1)) != wanted) continue;
    std::string symbol = canonical_symbol(tag.substr(0, us));
    if (!symbol.empty()) out.insert(symbol);
  }
}

}  // namespace

std::filesystem::path default_basis_library_dir() {
  if (const char* env = std::getenv("NWCHEM_BASIS_LIBRARY"); env != nullptr && *env != '\0')
    return std::filesystem::path(env);
  return "/usr/share/nwchem/libraries/";
}

std::string basis_library_file_name(std::string_view basis) {
  std::string out;
  for (char c : basis) {
    if (c == '*') out += 's';
    else if (c == '(' || c == ')') continue;
    else if (c == ',') out += '_';
    else out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::set<std::string> elements_in_basis(const std::filesystem::path& library_dir,
                                        std::string_view basis) {
  std::error_code ec;
  if (!std::filesystem::is_directory(library_dir, ec))
    throw ChemError("nwchem basis library '" + library_dir.string() +
                    "' is not a directory; install nwchem-data or set NWCHEM_BASIS_LIBRARY");
  const std::string wanted = lower(basis);
  std::set<std::string> out;
  const std::string file_name = basis_library_file_name(basis);
  if (!file_name.empty() && file_name.find('/') == std::string::npos) {
    std::filesystem::path own = library_dir / file_name;
    if (std::filesystem::is_regular_file(own, ec)) collect(slurp(own), wanted, out);
  }
  if (out.empty()) {
    for (const auto& entry : std::filesystem::directory_iterator(library_dir, ec)) {
      if (!entry.is_regular_file(ec)) continue;
      collect(slurp(entry.path()), wanted, out);
    }
  }
  if (out.empty())
    throw ChemError("basis '" + std::string(basis) + "' is not in the nwchem basis library '" +
                    library_dir.string() + "'; check the basis name");
  return out;
}

std::vector<std::string> elements_missing_from_basis(const std::filesystem::path& library_dir,
                                                     std::string_view basis,
                                                     const std::vector<std::string>& symbols) {
  const std::set<std::string> covered = elements_in_basis(library_dir, basis);
  std::set<std::string> missing;
  for (const std::string& s : symbols) {
    std::string c = canonical_symbol(s);
    if (c.empty() || covered.count(c) == 0) missing.insert(c.empty() ? s : c);
  }
  return {missing.begin(), missing.end()};
}

std::map<std::string, std::string> BasisChoice::element_basis() const {
  auto out = fallback;
  for (const auto& [element, set] : own) out[element] = set;
  return out;
}

void check_element_bases(const std::filesystem::path& library_dir,
                         const std::map<std::string, std::string>& own) {
  for (const auto& [element, set] : own)
    if (!elements_in_basis(library_dir, set).count(element))
      throw ChemError("the basis " + set + " given for " + element +
                      " has no entry for it in NWChem's library (" + library_dir.string() +
                      "); give " + element + " a basis the library has for it");
}

BasisChoice choose_basis(const std::filesystem::path& library_dir, std::string_view basis,
                         const std::vector<std::string>& symbols,
                         const std::map<std::string, std::string>& own) {
  check_element_bases(library_dir, own);
  BasisChoice choice{std::string(basis), own, {}, {}};
  std::vector<std::string> rest;
  for (const auto& s : symbols)
    if (!own.count(canonical_symbol(s))) rest.push_back(s);
  auto missing = elements_missing_from_basis(library_dir, basis, rest);
  if (missing.empty()) return choice;
  const std::set<std::string> heavy = elements_in_basis(library_dir, kHeavyElementBasis);
  for (const auto& element : missing) {
    if (heavy.count(element)) choice.fallback[element] = std::string(kHeavyElementBasis);
    else choice.uncovered.push_back(element);
  }
  return choice;
}

}  // namespace qmnmr::chem
