// CREST argv builder and parsers for its ensemble files.
#include "chem/crest.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "chem/error.h"

namespace qmnmr::chem {

std::vector<std::string> crest_argv(const std::filesystem::path& xyz, const Solvent& solvent,
                                    int charge, int uhf, int threads, double ewin_kcal) {
  char ewin[32];
  std::snprintf(ewin, sizeof ewin, "%g", ewin_kcal);
  std::vector<std::string> argv = {"crest", xyz.string(), "--gfn2"};
  if (solvent.has_alpb()) {
    argv.push_back("--alpb");
    argv.push_back(std::string(solvent.alpb_name));
  }
  argv.insert(argv.end(), {"--chrg", std::to_string(charge), "--uhf", std::to_string(uhf),
                           "--ewin", ewin, "-T", std::to_string(threads < 1 ? 1 : threads)});
  return argv;
}

std::vector<CrestConformer> parse_crest_conformers(std::string_view text) {
  std::vector<Geometry> frames = parse_xyz_frames(text);
  if (frames.empty())
    throw ChemError("crest_conformers.xyz holds no structures; check the crest run");
  std::vector<CrestConformer> out;
  for (size_t i = 0; i < frames.size(); ++i) {
    std::istringstream in(frames[i].comment);
    std::string first;
    in >> first;
    char* end = nullptr;
    double e = first.empty() ? 0 : std::strtod(first.c_str(), &end);
    if (first.empty() || end != first.c_str() + first.size())
      throw ChemError("crest_conformers.xyz frame " + std::to_string(i + 1) +
                      ": comment line '" + frames[i].comment + "' holds no energy");
    out.push_back({std::move(frames[i]), e});
  }
  return out;
}

std::vector<CrestEnergy> parse_crest_energies(std::string_view text) {
  std::vector<CrestEnergy> out;
  std::istringstream in{std::string(text)};
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::istringstream f(line);
    CrestEnergy e;
    if (!(f >> e.index >> e.relative_kcal))
      throw ChemError("crest.energies line " + std::to_string(line_no) + ": '" + line +
                      "' is not 'index energy'");
    out.push_back(e);
  }
  return out;
}

}  // namespace qmnmr::chem
