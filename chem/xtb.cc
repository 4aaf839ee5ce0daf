// xtb argv builder and output parser.
#include "chem/xtb.h"

#include <cctype>
#include <cstdlib>
#include <string>

namespace qmnmr::chem {
namespace {

bool contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// First line in `text` containing `needle`, trimmed; empty when none.
std::string line_with(std::string_view text, std::string_view needle) {
  size_t p = text.find(needle);
  if (p == std::string_view::npos) return {};
  size_t b = text.rfind('\n', p);
  b = b == std::string_view::npos ? 0 : b + 1;
  size_t e = text.find('\n', p);
  return std::string(trim(text.substr(b, e == std::string_view::npos ? e : e - b)));
}

}  // namespace

std::vector<std::string> xtb_argv(const std::filesystem::path& xyz, const Solvent& solvent,
                                  int charge, int uhf, XtbTask task) {
  std::vector<std::string> argv = {"xtb", xyz.string(),
                                   task == XtbTask::optimise ? "--opt" : "--hess", "--gfn", "2"};
  if (solvent.has_alpb()) {
    argv.push_back("--alpb");
    argv.push_back(std::string(solvent.alpb_name));
  }
  argv.insert(argv.end(), {"--chrg", std::to_string(charge), "--uhf", std::to_string(uhf)});
  return argv;
}

std::vector<std::pair<std::string, std::string>> xtb_environment(int threads) {
  const std::string n = std::to_string(threads < 1 ? 1 : threads);
  return {{"OMP_NUM_THREADS", n},       {"MKL_NUM_THREADS", n},
          {"OPENBLAS_NUM_THREADS", "1"}, {"OMP_STACKSIZE", "2G"},
          {"OMP_MAX_ACTIVE_LEVELS", "1"}};
}

XtbResult parse_xtb_output(std::string_view out, std::string_view err) {
  XtbResult r;
  size_t pos = 0;
  while ((pos = out.find("TOTAL ENERGY", pos)) != std::string_view::npos) {
    size_t e = out.find('\n', pos);
    std::string line(out.substr(pos + 12, e == std::string_view::npos ? e : e - pos - 12));
    char* end = nullptr;
    double v = std::strtod(line.c_str(), &end);
    if (end != line.c_str() && contains(line, "Eh")) r.total_energy = v;
    pos += 12;
  }
  r.optimization_converged = contains(out, "GEOMETRY OPTIMIZATION CONVERGED");
  r.normal_termination =
      contains(out, "normal termination of xtb") || contains(err, "normal termination of xtb");
  const bool abnormal = contains(out, "abnormal termination") || contains(err, "abnormal termination");
  for (std::string_view text : {out, err}) {
    if (r.error) break;
    if (std::string l = line_with(text, "-1- "); !l.empty()) {
      // What follows xtb's "-1-" (the line is trimmed: it may be "-1-" alone).
      const auto root = trim(std::string_view(l).substr(l.find("-1-") + 3));
      r.error = "xtb failed: " + std::string(root.empty() ? std::string_view(l) : root);
      r.xtb_line = l;
    } else if (std::string l2 = line_with(text, "[ERROR]"); !l2.empty()) {
      r.error = "xtb failed: " + l2;
      r.xtb_line = l2;
    }
  }
  if (!r.error && abnormal) {
    r.error = "xtb terminated abnormally; see its output";
    r.xtb_line = line_with(out, "abnormal termination");
    if (r.xtb_line.empty()) r.xtb_line = line_with(err, "abnormal termination");
  }
  if (!r.error && !r.total_energy) r.error = "xtb output has no TOTAL ENERGY line";
  return r;
}

}  // namespace qmnmr::chem
