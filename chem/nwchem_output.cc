// NWChem output parser: a single pass over lines, keeping the last value of
// each kind, then a scan for failure signatures in order of specificity.
#include "chem/nwchem_output.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
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

std::string lower(std::string_view s) {
  std::string t(s);
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t;
}

// NWChem's error boxes end the message with an integer code after a run of
// spaces ("dft_input: unknown directive                   0"): drop it.
std::string without_error_code(std::string_view t) {
  size_t last_space = t.find_last_of(' ');
  if (last_space == std::string_view::npos || last_space < 3 ||
      t.substr(last_space - 2, 3) != "   ")
    return std::string(t);
  if (trim(t.substr(last_space)).find_first_not_of("-0123456789") != std::string_view::npos)
    return std::string(t);
  return std::string(trim(t.substr(0, last_space)));
}

// The lines searched for failures (stdout, then stderr), each with its
// lower-case copy, so patterns match whatever case NWChem's modules print.
struct SearchLines {
  std::vector<std::string_view> lines;
  std::vector<std::string> lowered;

  // The first line (trimmed, error code dropped) containing the first of
  // `patterns` (lower case) that occurs anywhere: patterns are in priority order.
  std::optional<std::string> find(std::initializer_list<std::string_view> patterns) const {
    for (std::string_view p : patterns)
      for (size_t i = 0; i < lines.size(); ++i)
        if (contains(lowered[i], p)) return without_error_code(trim(lines[i]));
    return std::nullopt;
  }
};

struct Classified {
  NwchemFailure failure = NwchemFailure::none;
  std::string line, fix, error;
};

Classified classify(const std::vector<std::string_view>& lines, const SearchLines& search,
                    const NwchemOutput& out) {
  auto with_box = [&](std::string message) {
    std::string box = error_box_message(lines);
    if (!box.empty()) message += " (nwchem: " + box + ")";
    return message;
  };
  Classified c;
  auto set = [&](NwchemFailure f, std::string line, std::string fix, std::string error) {
    c = {f, std::move(line), std::move(fix), std::move(error)};
    return c;
  };
  using F = NwchemFailure;

  if (auto l = search.find({"#indep variables incorrect", "insufficient internal variables",
                            "autoz failed"})) {
    return set(F::internal_coordinates, *l,
               "optimise in Cartesian coordinates (geometry noautoz): NWChem's redundant "
               "internal coordinates fail on chains of collinear atoms (alkynes, allenes)",
               with_box("nwchem could not build internal coordinates for the geometry"));
  }
  if (auto l = search.find({"failed to locate basis", "has no functions in basis",
                            "no such basis available", "no basis functions",
                            "basis/geometry mismatch", "error in the specified basis set"})) {
    std::string error = with_box("nwchem found no basis set for an element; "
                                 "choose a basis that covers it");
    if (size_t p = l->find("failed to locate basis "); p != std::string::npos) {
      std::string tag = l->substr(p + 23);
      tag = tag.substr(0, tag.find(' '));
      std::string element = canonical_symbol(tag.substr(0, tag.find('_')));
      error = "the basis set has no functions for element " + (element.empty() ? tag : element) +
              " (nwchem: " + tag + " not in the library); choose a preset or basis that covers it";
    } else if (size_t q = l->find("geometry tag "); q != std::string::npos) {
      std::string tag = l->substr(q + 13);
      tag = tag.substr(0, tag.find(' '));
      error = "the basis set has no functions for element " + tag + " (nwchem: " + *l +
              "); choose a preset or basis that covers it";
    }
    return set(F::basis_missing, *l,
               "choose a preset or basis set that has functions for every element of the molecule",
               error);
  }
  if (auto l = search.find({"could not open a file in scratch directory",
                            "could not open a file in permanent directory",
                            "scratch directory not accessible",
                            "permanent directory not accessible",
                            "permanent and scratch director"})) {
    return set(F::scratch_inaccessible, *l,
               "create the scratch and permanent directories before starting nwchem, as absolute "
               "paths without spaces on a writable file system, and check free space",
               "nwchem cannot write to its scratch or permanent directory (nwchem: " + *l + ")");
  }
  if (auto l = search.find({"insufficient memory", "out of memory", "not enough memory",
                            "ma_push_get", "ma_alloc_get", "ga_create failed", "ga_create: failed",
                            "nga_create failed", "armci_malloc failed",
                            "global memory limit unreasonable"})) {
    return set(F::out_of_memory, *l,
               "raise the memory per rank (the nwchem memory directive) or run fewer ranks so each "
               "gets more; a larger molecule or basis needs more heap and global memory",
               "nwchem ran out of memory; raise the memory per rank or use fewer ranks (nwchem: " +
                   *l + ")");
  }
  if (auto l = search.find({"lkain: not converged", "failure in cphf", "cphf did not converge",
                            "cphf: failed to converge"})) {
    return set(F::cphf_not_converged, *l,
               "rerun the shielding with more cphf iterations (set cphf:maxiter 100) or a looser "
               "cphf:thresh, from a tightly converged scf; check the geometry is sensible",
               with_box("the cphf equations of the shielding run did not converge"));
  }
  if (auto l = search.find({"calculation failed to converge", "scf failed to converge",
                            "scf: failed to converge"})) {
    return set(F::scf_not_converged, *l,
               "raise the scf iteration limit, start from a better geometry (the xtb one), or add "
               "a level shift or smearing; check charge and multiplicity",
               with_box("the scf did not converge; try a better start geometry or more scf "
                        "iterations"));
  }
  if (auto l = search.find({"failed to converge in maximum number of steps"})) {
    return set(F::opt_max_steps, *l,
               "continue the optimisation from final_geometry (nwchem stopped after " +
                   std::to_string(out.optimization_steps) +
                   " steps) or raise the driver step limit (driver; maxiter)",
               with_box("the geometry optimisation did not converge in the allowed steps; raise "
                        "the step limit or start from a better geometry"));
  }
  if (auto l = search.find({"solvname_long:  unknown"})) {
    return set(F::input_rejected, *l, "use a solvent name from nwchem's cosmo solvent table",
               "nwchem did not recognise the cosmo solvent name; use a solvent from the table");
  }
  for (std::string_view line : lines) {
    std::string_view t = trim(line);
    if ((contains(t, "cosmo") || contains(t, "COSMO")) &&
        (contains(t, "error") || contains(t, "failed") || contains(t, "Error")))
      return set(F::input_rejected, std::string(t),
                 "check the cosmo settings (solvent, dielectric) in the nwchem input",
                 with_box("nwchem cosmo failed: " + std::string(t)));
  }
  if (auto l = search.find({"unknown directive", "input error at line", "unknown keyword",
                            "there is an error in the input file"})) {
    return set(F::input_rejected, *l,
               "fix the nwchem input at the line nwchem names (if qmnmr wrote the input, this is "
               "a bug in its input writer: report it)",
               with_box("nwchem rejected its input"));
  }
  if (!out.finished) {
    // Shared-memory and MPI failures first: they explain an abort or a signal.
    auto mpi = search.find({"bus error", "vader", "shmem", "/dev/shm", "an error occurred in mpi_",
                            "mpi_init has failed", "unable to reach each other"});
    std::string box = error_box_message(lines);
    const std::string mpi_fix =
        "the mpi or shared-memory layer failed: give the container more /dev/shm "
        "(--shm-size), run fewer ranks, or run on 1 rank";
    if (mpi)
      return set(F::mpi_error, *mpi, mpi_fix,
                 "nwchem failed in mpi or shared memory (" + *mpi + ")");
    if (!box.empty())
      return set(F::mpi_error, box,
                 "nwchem stopped with an error qmnmr does not know; read its output around \"" +
                     box + "\"",
                 "nwchem failed: " + box);
    if (auto l = search.find({"mpi_abort", "armci error"}))
      return set(F::mpi_error, *l, mpi_fix, "nwchem aborted; see its output for the cause");
    std::string last;
    if (auto l = search.find({"exited on signal", "segmentation fault"})) {
      last = *l;
    } else {
      for (size_t i = lines.size(); i-- > 0;)
        if (!trim(lines[i]).empty()) {
          last = std::string(trim(lines[i]));
          break;
        }
    }
    if (last.empty()) last = "(nwchem wrote nothing)";
    return set(F::truncated, last,
               "nwchem was killed or crashed (memory limit, wall-clock limit or a signal): check "
               "its stderr and the kernel log, raise the memory or time limit, then rerun",
               "nwchem output ends early (no \"Total times\" footer): the run was killed or "
               "crashed");
  }
  return c;
}

}  // namespace

std::string_view failure_name(NwchemFailure failure) {
  switch (failure) {
    case NwchemFailure::none: return "none";
    case NwchemFailure::opt_max_steps: return "opt_max_steps";
    case NwchemFailure::internal_coordinates: return "internal_coordinates";
    case NwchemFailure::scf_not_converged: return "scf_not_converged";
    case NwchemFailure::cphf_not_converged: return "cphf_not_converged";
    case NwchemFailure::out_of_memory: return "out_of_memory";
    case NwchemFailure::scratch_inaccessible: return "scratch_inaccessible";
    case NwchemFailure::basis_missing: return "basis_missing";
    case NwchemFailure::input_rejected: return "input_rejected";
    case NwchemFailure::mpi_error: return "mpi_error";
    case NwchemFailure::truncated: return "truncated";
  }
  return "unknown";
}

NwchemOutput parse_nwchem_output(std::string_view text, std::string_view stderr_text) {
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
    } else if (t.rfind("Step", 0) == 0) {  // the driver's "Step   N" header
      auto f = split_fields(t);
      if (f.size() == 2 && f[0] == "Step" &&
          f[1].find_first_not_of("0123456789") == std::string::npos)
        out.optimization_steps = std::max(out.optimization_steps, std::atoi(f[1].c_str()));
    }
  }
  SearchLines search;
  search.lines = lines;
  for (std::string_view l : split_lines(stderr_text)) search.lines.push_back(l);
  for (std::string_view l : search.lines) search.lowered.push_back(lower(l));
  Classified c = classify(lines, search, out);
  out.failure = c.failure;
  if (c.failure != NwchemFailure::none) {
    out.error = std::move(c.error);
    out.nwchem_line = std::move(c.line);
    out.fix = std::move(c.fix);
  }
  return out;
}

}  // namespace qmnmr::chem
