// NWChem output parser: a single pass over lines, keeping the last value of
// each kind, then a scan for failure signatures in order of specificity.
#include "chem/nwchem_output.h"

#include <cctype>
#include <cstdlib>
#include <sstream>

#include "chem/text_lines.h"

namespace qmnmr::chem {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

// Fortran numbers may use D exponents.
std::optional<double> to_double(std::string_view s) {
  std::string t(trim(s));
  for (char& c : t)
    if (c == 'D' || c == 'd') c = 'E';
  if (t.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (end == t.c_str()) return std::nullopt;
  return v;
}

// The number after the first '=' on the line, if any.
std::optional<double> value_after_equals(std::string_view line) {
  size_t eq = line.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  std::string_view rest = trim(line.substr(eq + 1));
  return to_double(rest.substr(0, rest.find(' ')));
}

// Reads the table after an "Output coordinates" header at lines[i].
Geometry read_coordinate_table(const std::vector<std::string_view>& lines, size_t i) {
  Geometry g;
  size_t j = i + 1;
  // Skip to the dashed separator under the column titles.
  while (j < lines.size() && trim(lines[j]).substr(0, 4) != "----") ++j;
  for (++j; j < lines.size(); ++j) {
    auto f = split_fields(lines[j]);
    if (f.size() != 6) break;
    Atom a;
    a.symbol = canonical_symbol(f[1]);
    if (a.symbol.empty()) {  // tags like "H1" or "C_a": take the leading letters
      std::string letters;
      for (char c : f[1]) {
        if (!std::isalpha(static_cast<unsigned char>(c))) break;
        letters += c;
      }
      a.symbol = canonical_symbol(letters.size() > 2 ? letters.substr(0, 2) : letters);
      if (a.symbol.empty()) a.symbol = f[1];
    }
    auto x = to_double(f[3]), y = to_double(f[4]), z = to_double(f[5]);
    if (!x || !y || !z) break;
    a.x = *x, a.y = *y, a.z = *z;
    g.atoms.push_back(a);
  }
  return g;
}

// The message in the box above NWChem's "current input line" report.
std::string error_box_message(const std::vector<std::string_view>& lines) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!contains(lines[i], "current input line")) continue;
    for (size_t k = i; k-- > 0;) {
      std::string_view t = trim(lines[k]);
      if (t.empty() || t.find_first_not_of('-') == std::string_view::npos) continue;
      // Drop NWChem's trailing integer code ("dft energy failed    0").
      size_t last_space = t.find_last_of(' ');
      if (last_space != std::string_view::npos &&
          trim(t.substr(last_space)).find_first_not_of("-0123456789") == std::string_view::npos)
        t = trim(t.substr(0, last_space));
      return std::string(t);
    }
  }
  return {};
}

std::optional<std::string> detect_error(std::string_view text,
                                        const std::vector<std::string_view>& lines,
                                        const NwchemOutput& out) {
  auto with_box = [&](std::string message) {
    std::string box = error_box_message(lines);
    if (!box.empty()) message += " (nwchem: " + box + ")";
    return message;
  };
  if (auto p = text.find("failed to locate basis"); p != std::string_view::npos) {
    std::string_view rest = text.substr(p + 22);
    rest = trim(rest.substr(0, rest.find('\n')));
    std::string tag(rest.substr(0, rest.find(' ')));
    std::string element = canonical_symbol(tag.substr(0, tag.find('_')));
    return "the basis set has no functions for element " + (element.empty() ? tag : element) +
           " (nwchem: " + tag + " not in the library); choose a preset or basis that covers it";
  }
  if (contains(text, "no such basis available") || contains(text, "no basis functions"))
    return with_box("nwchem found no basis set for an element; choose a basis that covers it");
  if (contains(text, "MA_push_get") || contains(text, "ma_push_get") ||
      contains(text, "MA_alloc_get") || contains(text, "insufficient memory") ||
      contains(text, "not enough memory") || contains(text, "ga_create failed") ||
      contains(text, "ga_create: failed") || contains(text, "GA_Create failed") ||
      contains(text, "ARMCI_Malloc failed"))
    return with_box("nwchem ran out of memory; raise the memory per rank or use fewer ranks");
  if (contains(text, "solvname_long:  unknown"))
    return "nwchem did not recognise the cosmo solvent name; use a solvent from the table";
  for (std::string_view line : lines) {
    std::string_view t = trim(line);
    if ((contains(t, "cosmo") || contains(t, "COSMO")) &&
        (contains(t, "error") || contains(t, "failed") || contains(t, "Error")))
      return with_box("nwchem cosmo failed: " + std::string(t));
  }
  if (contains(text, "unknown directive") || contains(text, "There is an error in the input file"))
    return with_box("nwchem rejected its input");
  if (contains(text, "Calculation failed to converge") || contains(text, "SCF failed to converge") ||
      contains(text, "scf: failed to converge"))
    return with_box("the scf did not converge; try a better start geometry or more scf iterations");
  if (contains(text, "Failed to converge in maximum number of steps"))
    return with_box(
        "the geometry optimisation did not converge in the allowed steps; raise the step limit "
        "or start from a better geometry");
  if (contains(text, "CPHF") && contains(text, "failed to converge"))
    return with_box("the cphf equations of the shielding run did not converge");
  if (std::string box = error_box_message(lines); !box.empty())
    return "nwchem failed: " + box;
  if (contains(text, "ARMCI Error") || contains(text, "MPI_ABORT"))
    return "nwchem aborted; see its output for the cause";
  if (!out.finished)
    return "nwchem output ends early (no \"Total times\" footer): the run was killed or crashed";
  return std::nullopt;
}

}  // namespace

NwchemOutput parse_nwchem_output(std::string_view text) {
  NwchemOutput out;
  const auto lines = split_lines(text);
  std::optional<AtomShielding> pending;  // "Atom:" seen, isotropic not yet
  bool in_shielding = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    std::string_view t = trim(line);
    if (t.rfind("Total DFT energy", 0) == 0) {
      if (auto v = value_after_equals(t)) out.total_energy = v;
    } else if (t == "Optimization converged") {
      out.optimization_converged = true;
    } else if (t.rfind("Output coordinates in angstroms", 0) == 0) {
      Geometry g = read_coordinate_table(lines, i);
      if (!g.atoms.empty()) {
        ++out.geometry_tables;
        if (!out.first_geometry) out.first_geometry = g;
        out.final_geometry = std::move(g);
      }
    } else if (t.rfind("nproc", 0) == 0 && !out.nproc) {
      if (auto v = value_after_equals(t)) out.nproc = static_cast<int>(*v);
    } else if (t == "Memory information" && !out.memory) {
      NwchemMemory m;
      for (size_t j = i + 1; j < lines.size() && j < i + 12; ++j) {
        std::string_view u = trim(lines[j]);
        size_t eq2 = u.rfind('=');
        if (eq2 == std::string_view::npos) continue;
        auto mb = to_double(trim(u.substr(eq2 + 1)).substr(0, trim(u.substr(eq2 + 1)).find(' ')));
        if (!mb) continue;
        if (u.rfind("heap", 0) == 0) m.heap_mb = *mb;
        else if (u.rfind("stack", 0) == 0) m.stack_mb = *mb;
        else if (u.rfind("global", 0) == 0) m.global_mb = *mb;
        else if (u.rfind("total", 0) == 0) m.total_mb = *mb;
      }
      out.memory = m;
    } else if (contains(t, "Chemical Shielding Tensors")) {
      in_shielding = true;
      out.shieldings.clear();  // a later property task replaces an earlier one
    } else if (in_shielding && t.rfind("Atom:", 0) == 0) {
      auto f = split_fields(t);
      if (f.size() >= 3) {
        AtomShielding s;
        s.atom = std::atoi(f[1].c_str());
        s.symbol = canonical_symbol(f[2]);
        if (s.symbol.empty()) s.symbol = f[2];
        pending = s;
      }
    } else if (in_shielding && pending && t.rfind("isotropic", 0) == 0) {
      if (auto v = value_after_equals(t)) {
        pending->isotropic = *v;
        out.shieldings.push_back(*pending);
      }
      pending.reset();
    } else if (t.rfind("Total times", 0) == 0) {
      out.finished = true;
    }
  }
  out.error = detect_error(text, lines, out);
  return out;
}

}  // namespace qmnmr::chem
