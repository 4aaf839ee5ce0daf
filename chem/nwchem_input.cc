// NWChem input writer: fixed layout, validated paths and symbols, sanitised
// title, COSMO block per solvent.
#include "chem/nwchem_input.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>

#include "chem/error.h"

namespace qmnmr::chem {
namespace {

bool is_title_char(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  switch (c) {
    case ' ': case '_': case '-': case '.': case ',': case '+': case '(': case ')':
    case '[': case ']': case '/': case ':': case '=':
      return true;
    default:
      return false;
  }
}

// A path NWChem reads as one token on one line.
std::string checked_path(const std::filesystem::path& path, std::string_view what) {
  const std::string s = path.string();
  if (s.empty()) throw ChemError("nwchem " + std::string(what) + " is empty; give a directory");
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u == 0x7f || c == '"' || c == '\'' || c == ';' || c == '#' || c == '\\')
      throw ChemError("nwchem " + std::string(what) + " '" + s +
                      "' contains whitespace, a quote or a control character; use a plain path");
  }
  return s;
}

// A keyword-like value (functional, grid, basis name) that must be one safe token.
std::string checked_token(std::string_view value, std::string_view what,
                          std::string_view extra_chars) {
  if (value.empty()) throw ChemError("nwchem " + std::string(what) + " is empty");
  for (char c : value) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') continue;
    if (extra_chars.find(c) != std::string_view::npos) continue;
    throw ChemError("nwchem " + std::string(what) + " '" + std::string(value) +
                    "' has a character that is not allowed");
  }
  return std::string(value);
}

std::string format_coord(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%16.10f", v);
  return buf;
}

}  // namespace

std::string sanitize_nwchem_title(std::string_view title) {
  std::string out;
  for (char c : title) {
    if (out.size() >= 80) break;
    out += is_title_char(c) ? c : '_';
  }
  size_t first = out.find_first_not_of(' ');
  if (first == std::string::npos) return "qmnmr";
  out.erase(0, first);
  out.erase(out.find_last_not_of(' ') + 1);
  return out;
}

int optimisation_step_budget(size_t atoms) {
  return std::max(60, 3 * static_cast<int>(atoms));
}

std::string write_nwchem_input(const NwchemInput& in) {
  const std::string scratch = checked_path(in.scratch_dir, "scratch_dir");
  const std::string permanent = checked_path(in.permanent_dir, "permanent_dir");
  const std::string start_orbitals =
      in.start_orbitals.empty() ? "" : checked_path(in.start_orbitals, "start orbitals file");
  const std::string start = checked_token(in.start_name, "start name", "");
  if (!in.functional) throw ChemError("nwchem input names no functional");
  // The table's directives: words and numbers ("mpw91 0.75 HFexch 0.25 perdew91 1.0").
  const std::string xc = checked_token(in.functional->xc, "xc directive", " .");
  const std::string cam =
      in.functional->cam.empty() ? "" : checked_token(in.functional->cam, "cam directive", " .");
  const std::string basis = checked_token(in.basis, "basis", "+*(),");
  if (in.geometry.atoms.empty()) throw ChemError("nwchem input has no atoms; give a geometry");
  if (in.memory_mb < 64)
    throw ChemError("nwchem memory " + std::to_string(in.memory_mb) +
                    " mb per rank is too small; give at least 64 mb");
  if (in.multiplicity < 1)
    throw ChemError("multiplicity " + std::to_string(in.multiplicity) + " must be 1 or more");

  std::string geometry_lines;
  std::set<std::string> elements;
  long electrons = -static_cast<long>(in.charge);
  for (size_t i = 0; i < in.geometry.atoms.size(); ++i) {
    const Atom& a = in.geometry.atoms[i];
    const std::string symbol = canonical_symbol(a.symbol);
    if (symbol.empty())
      throw ChemError("atom " + std::to_string(i + 1) + " has unknown element symbol '" +
                      a.symbol + "'");
    if (!std::isfinite(a.x) || !std::isfinite(a.y) || !std::isfinite(a.z))
      throw ChemError("atom " + std::to_string(i + 1) + " has a non-finite coordinate");
    electrons += atomic_number(symbol);
    elements.insert(symbol);
    geometry_lines += "  " + symbol + format_coord(a.x) + format_coord(a.y) + format_coord(a.z) +
                      "\n";
  }
  if (electrons < 0)
    throw ChemError("charge " + std::to_string(in.charge) + " leaves a negative electron count");
  if ((electrons + in.multiplicity - 1) % 2 != 0)
    throw ChemError("charge " + std::to_string(in.charge) + " and multiplicity " +
                    std::to_string(in.multiplicity) + " do not fit " +
                    std::to_string(electrons) + " electrons; fix the charge or multiplicity");

  std::string out;
  out += "title \"" + sanitize_nwchem_title(in.title) + "\"\n";
  out += "start " + start + "\n";
  out += "scratch_dir " + scratch + "\n";
  out += "permanent_dir " + permanent + "\n";
  out += "memory total " + std::to_string(in.memory_mb) + " mb\n";
  out += "charge " + std::to_string(in.charge) + "\n\n";
  out += std::string("geometry units angstrom ") +
         (in.internal_coordinates ? "autoz" : "noautoz") + " noautosym\n" + geometry_lines +
         "end\n\n";
  // Elements the level's basis lacks get their own (`except` keeps the
  // wildcard from looking them up in it).
  std::string except, element_lines;
  for (const auto& [element, element_basis] : in.element_basis) {
    const std::string symbol = canonical_symbol(element);
    if (symbol.empty()) throw ChemError("basis for unknown element symbol '" + element + "'");
    if (!elements.count(symbol)) continue;
    except += " " + symbol;
    element_lines += "  " + symbol + " library " +
                     checked_token(element_basis, "basis of " + symbol, "+*(),") + "\n";
  }
  out += "basis spherical\n  * library " + basis + (except.empty() ? "" : " except" + except) +
         "\n" + element_lines + "end\n\n";
  if (in.solvent != nullptr && !in.solvent->is_vacuum()) {
    const std::string cosmo = checked_token(in.solvent->cosmo_name, "cosmo solvent", "");
    out += "cosmo\n  do_gasphase False\n  solvent " + cosmo + "\nend\n\n";
  }
  out += "dft\n  xc " + xc + "\n";
  if (!cam.empty()) out += "  " + cam + "\n";
  out += "  mult " + std::to_string(in.multiplicity) + "\n";
  if (in.multiplicity > 1) out += "  odft\n";
  if (!start_orbitals.empty()) out += "  vectors input " + start_orbitals + "\n";
  // A named grid ("fine") or an explicit one ("lebedev 21 8"): safe words and spaces.
  if (!in.grid.empty()) out += "  grid " + checked_token(in.grid, "grid", " ") + "\n";
  if (in.scf_rescue) {
    out += "  iterations " + std::to_string(std::max(300, in.max_scf_iterations.value_or(0))) +
           "\n";
    out += "  convergence damp 40 ncydp 40 lshift 0.5\n";
  } else if (in.max_scf_iterations) {
    out += "  iterations " + std::to_string(std::max(1, *in.max_scf_iterations)) + "\n";
  }
  // No `direct` for shieldings either: NWChem caches the two-electron integrals
  // (in memory, as far as the memory directive allows) and the CPHF reuses them.
  // Measured: ethanol's production shielding 85.5 s direct, 74.9 s cached, the
  // same shieldings to 1e-4 ppm. Only the retry of a failed CPHF asks for it.
  if (in.direct) out += "  direct\n";
  out += "end\n\n";
  if (in.task == NwchemTask::optimize) {
    if (in.max_opt_steps || !in.opt_convergence.empty() || in.initial_hessian) {
      out += "driver\n";
      // One driver directive per ';'-separated part ("loose", "xmax 0.0072").
      size_t start = 0;
      while (start < in.opt_convergence.size()) {
        size_t end = in.opt_convergence.find(';', start);
        if (end == std::string::npos) end = in.opt_convergence.size();
        std::string part = in.opt_convergence.substr(start, end - start);
        part.erase(0, part.find_first_not_of(' '));
        part.erase(part.find_last_not_of(' ') + 1);
        out += "  " + checked_token(part, "optimiser convergence", " .") + "\n";
        start = end + 1;
      }
      if (in.max_opt_steps)
        out += "  maxiter " + std::to_string(std::max(1, *in.max_opt_steps)) + "\n";
      if (in.initial_hessian) out += "  inhess 2\n";
      out += "end\n\n";
    }
    out += "task dft optimize\n";
  } else {
    out += "property\n  shielding\nend\n\ntask dft property\n";
  }
  return out;
}

}  // namespace qmnmr::chem
