// NMReDATA SDF writing (format: nmredata.org, "NMReDATA tag format", 1.1).
#include "chem/nmredata.h"

#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/GraphMol.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "chem/error.h"

namespace qmnmr::chem {
namespace {

constexpr double kCarbonToProtonFrequency = 0.25145;  // gamma(13C) / gamma(1H)

// One line with no SDF record or data-item terminators.
std::string one_line(std::string_view text, size_t max_chars) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == '\0' || c == '\\') c = ' ';
    out += c;
  }
  for (size_t pos; (pos = out.find("$$$$")) != std::string::npos;) out.replace(pos, 4, "$ $ ");
  while (!out.empty() && out.front() == '>') out.erase(0, 1);  // no data header lookalike
  if (out.size() > max_chars) out.resize(max_chars);
  return out;
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

struct Signal {
  std::string label;
  double shift = 0;
  std::vector<int> atoms;  // 1-based, ascending
};

// Groups shifts by symmetry class; each signal's shift is the group mean.
std::vector<Signal> signals(const std::vector<AtomShift>& shifts, const std::vector<int>& classes,
                            size_t atom_count, const char* prefix) {
  std::map<int, Signal> by_class;
  std::map<int, int> counts;
  for (const auto& s : shifts) {
    if (s.index < 1 || static_cast<size_t>(s.index) > atom_count)
      throw ChemError("nmredata: atom number " + std::to_string(s.index) +
                      " is out of range 1.." + std::to_string(atom_count));
    int key = classes.empty() ? s.index : classes.at(s.index - 1);
    auto& sig = by_class[key];
    sig.atoms.push_back(s.index);
    sig.shift += s.shift;
    ++counts[key];
  }
  std::vector<Signal> out;
  for (auto& [key, sig] : by_class) {
    sig.shift /= counts[key];
    std::sort(sig.atoms.begin(), sig.atoms.end());
    sig.label = prefix + std::to_string(sig.atoms.front());
    out.push_back(std::move(sig));
  }
  std::sort(out.begin(), out.end(), [](const Signal& a, const Signal& b) {
    return a.atoms.front() < b.atoms.front();
  });
  return out;
}

void tag(std::string& out, const std::string& name, const std::vector<std::string>& lines) {
  out += ">  <" + name + ">\n";
  for (const auto& l : lines) out += l + "\\\n";
  out += "\n";
}

std::vector<std::string> spectrum_lines(std::vector<Signal> sigs, double larmor_mhz,
                                        bool decoupled) {
  std::vector<std::string> lines = {"Larmor=" + fixed(larmor_mhz, 2)};
  if (decoupled) lines.push_back("Decoupled=1H");
  std::sort(sigs.begin(), sigs.end(),
            [](const Signal& a, const Signal& b) { return a.shift > b.shift; });
  for (const auto& s : sigs)
    lines.push_back(fixed(s.shift, 4) + ", N=" + std::to_string(s.atoms.size()) + ", L=" + s.label);
  return lines;
}

}  // namespace

std::string sdf_safe_title(std::string_view name) { return one_line(name, 80); }

std::string nmredata_sdf(const Molecule& molecule, const Geometry& geometry,
                         const NmredataInput& input) {
  if (!molecule.rdkit) throw ChemError("nmredata: the molecule has no RDKit structure");
  check_geometry_matches(molecule, geometry);
  const size_t n = molecule.atom_count();
  if (!input.symmetry_classes.empty() && input.symmetry_classes.size() != n)
    throw ChemError("nmredata: " + std::to_string(input.symmetry_classes.size()) +
                    " symmetry classes for " + std::to_string(n) + " atoms");

  RDKit::RWMol mol(*molecule.rdkit);
  mol.clearConformers();
  auto* conf = new RDKit::Conformer(static_cast<unsigned>(n));
  for (size_t i = 0; i < n; ++i) {
    const auto& a = geometry.atoms[i];
    conf->setAtomPos(static_cast<unsigned>(i), RDGeom::Point3D(a.x, a.y, a.z));
  }
  conf->set3D(true);
  mol.addConformer(conf, true);
  mol.setProp(RDKit::common_properties::_Name, sdf_safe_title(molecule.name));
  std::string block;
  try {
    block = RDKit::MolToMolBlock(mol, /*includeStereo=*/true, -1, /*kekulize=*/true);
  } catch (const std::exception&) {
    block = RDKit::MolToMolBlock(mol, true, -1, /*kekulize=*/false);
  }

  auto h = signals(input.h1, input.symmetry_classes, n, "H");
  auto c = signals(input.c13, input.symmetry_classes, n, "C");

  std::string out = block;
  tag(out, "NMREDATA_VERSION", {"1.1"});
  tag(out, "NMREDATA_LEVEL", {"0"});
  // The tag is a required header; after ';' NMReDATA readers ignore the text (a comment).
  tag(out, "NMREDATA_SOLVENT",
      {input.solvent.empty() ? "none ;gas phase, no solvent model" : one_line(input.solvent, 60)});
  tag(out, "NMREDATA_TEMPERATURE", {fixed(input.temperature_k, 2)});
  std::vector<std::string> assignment;
  for (const auto* group : {&c, &h})
    for (const auto& s : *group) {
      std::string line = s.label + ", " + fixed(s.shift, 4);
      for (int a : s.atoms) line += ", " + std::to_string(a);
      assignment.push_back(line);
    }
  tag(out, "NMREDATA_ASSIGNMENT", assignment);
  if (!h.empty()) tag(out, "NMREDATA_1D_1H", spectrum_lines(h, input.larmor_1h_mhz, false));
  if (!c.empty())
    tag(out, "NMREDATA_1D_13C",
        spectrum_lines(c, input.larmor_1h_mhz * kCarbonToProtonFrequency, true));
  out += "$$$$\n";
  return out;
}

}  // namespace qmnmr::chem
