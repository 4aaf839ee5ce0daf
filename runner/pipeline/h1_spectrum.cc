// The 1H spectrum of a finished job: couplings averaged over conformers and
// equivalent pairs, multiplets, the simulated trace and its files.
#include "runner/pipeline/h1_spectrum.h"

#include <GraphMol/GraphMol.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "chem/spectrum/couplings.h"
#include "chem/spectrum/jcamp.h"
#include "chem/spectrum/multiplets.h"
#include "chem/spectrum/spin_system.h"
#include "chem/text_lines.h"
#include "queue/atomic_file.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct PairInfo {
  double hz = 0;
  int bonds = 0;
  std::string relation;
};

std::string field_label(double field_mhz) {
  return std::to_string(static_cast<long long>(std::llround(field_mhz))) + "MHz";
}

}  // namespace

H1Spectrum h1_spectrum(const chem::Molecule& molecule,
                       const std::vector<const Conformer*>& shielded, const json& h1_shifts,
                       const std::vector<int>& classes, const fs::path& out_dir,
                       const H1SpectrumOptions& o) {
  // The spins: every H with a shift, in results.json's order.
  std::vector<int> atom;  // spin -> 0-based atom index
  std::vector<std::string> label;
  std::vector<double> shift;
  for (const auto& r : h1_shifts) {
    atom.push_back(r.at("index").get<int>() - 1);
    label.push_back(r.at("atom").get<std::string>());
    shift.push_back(r.at("shift").get<double>());
  }
  const int n = static_cast<int>(atom.size());
  std::map<int, int> spin_of;
  for (int s = 0; s < n; ++s) spin_of[atom[s]] = s;

  // Boltzmann-weighted couplings over the conformers.
  double total = 0;
  for (const Conformer* c : shielded) total += c->weight;
  std::map<std::pair<int, int>, PairInfo> pairs;  // spin pair (s < t)
  for (const Conformer* c : shielded) {
    const double w = total > 0 ? c->weight / total : 1.0 / static_cast<double>(shielded.size());
    for (const auto& j : chem::spectrum::hh_couplings(*molecule.rdkit, c->geometry)) {
      auto a = spin_of.find(j.a), b = spin_of.find(j.b);
      if (a == spin_of.end() || b == spin_of.end()) continue;
      auto key = std::minmax(a->second, b->second);
      PairInfo& p = pairs[key];
      p.hz += w * j.hz;
      p.bonds = j.bonds;
      p.relation = j.relation;
    }
  }
  // Equivalent pairs share their mean (over every pair of the two classes).
  std::map<std::pair<int, int>, std::pair<double, int>> by_classes;
  auto class_key = [&](int s, int t) {
    return std::minmax(classes[atom[s]], classes[atom[t]]);
  };
  for (int s = 0; s < n; ++s)
    for (int t = s + 1; t < n; ++t) {
      auto it = pairs.find({s, t});
      auto& acc = by_classes[class_key(s, t)];
      acc.first += it == pairs.end() ? 0.0 : it->second.hz;
      acc.second += 1;
    }
  std::vector<std::vector<double>> jm(n, std::vector<double>(n, 0.0));
  H1Spectrum out;
  out.couplings = json::array();
  for (auto& [key, p] : pairs) {
    const auto& acc = by_classes[class_key(key.first, key.second)];
    p.hz = acc.first / acc.second;
    jm[key.first][key.second] = jm[key.second][key.first] = p.hz;
    if (std::abs(p.hz) < 0.05) continue;
    out.couplings.push_back({{"atoms", {label[key.first], label[key.second]}},
                             {"indices", {atom[key.first] + 1, atom[key.second] + 1}},
                             {"bonds", p.bonds},
                             {"j_hz", std::round(p.hz * 100) / 100},
                             {"relation", p.relation}});
  }

  // Multiplets per equivalence class.
  std::map<int, std::vector<int>> members;  // class -> spins
  std::vector<int> order;
  for (int s = 0; s < n; ++s) {
    auto& m = members[classes[atom[s]]];
    if (m.empty()) order.push_back(classes[atom[s]]);
    m.push_back(s);
  }
  std::vector<chem::spectrum::SignalGroup> groups;
  for (int c : order)
    groups.push_back({shift[members[c].front()], static_cast<int>(members[c].size())});
  const std::size_t g = order.size();
  std::vector<std::vector<double>> jg(g, std::vector<double>(g, 0.0));
  for (std::size_t x = 0; x < g; ++x)
    for (std::size_t y = 0; y < g; ++y)
      if (x != y) {
        double sum = 0;
        for (int s : members[order[x]])
          for (int t : members[order[y]]) sum += jm[s][t];
        jg[x][y] = sum / static_cast<double>(members[order[x]].size() * members[order[y]].size());
      }
  const auto multiplets =
      chem::spectrum::first_order_multiplets(groups, jg, {.field_mhz = o.field_mhz});
  json rows = json::array();
  for (std::size_t x = 0; x < g; ++x) {
    json atoms = json::array(), indices = json::array();
    for (int s : members[order[x]]) atoms.push_back(label[s]), indices.push_back(atom[s] + 1);
    json js = json::array();
    for (double v : multiplets[x].j_hz) js.push_back(std::round(v * 10) / 10);
    rows.push_back({{"atoms", atoms},
                    {"indices", indices},
                    {"shift", groups[x].shift_ppm},
                    {"count", groups[x].count},
                    {"multiplicity", multiplets[x].label},
                    {"j_hz", js}});
  }

  // The simulated trace and its files.
  chem::spectrum::SpinSystem system{shift, jm};
  const auto sim = chem::spectrum::simulate(system, {.field_mhz = o.field_mhz});
  double hi = 10, lo = 0;
  for (double v : shift) hi = std::max(hi, v + 0.5), lo = std::min(lo, v - 0.5);
  const auto points =
      static_cast<std::size_t>(std::ceil((hi - lo) * o.field_mhz * o.points_per_hz)) + 1;
  const auto y = chem::spectrum::lorentzian_trace(sim.lines, o.field_mhz, o.line_width_hz, hi, lo,
                                                  points);
  const std::string stem = "spectrum_1H_" + field_label(o.field_mhz);
  std::string csv = "ppm,intensity\n";
  for (std::size_t i = 0; i < points; ++i)
    csv += chem::fixed_digits(hi - (hi - lo) * static_cast<double>(i) / static_cast<double>(points - 1), 5) +
           "," + chem::fixed_digits(y[i], 6) + "\n";
  queue::write_file_atomic(out_dir / (stem + ".csv"), csv);
  const std::string title =
      (molecule.name.empty() ? molecule.canonical_smiles : molecule.name) + " 1H, " +
      field_label(o.field_mhz) + " (computed by qmnmr)";
  queue::write_file_atomic(out_dir / (stem + ".jdx"),
                           chem::spectrum::jcamp_dx({title, "1H", o.field_mhz, hi, lo, y}));
  out.spectrum = {
      {"field_mhz", o.field_mhz},
      {"line_width_hz", o.line_width_hz},
      {"multiplets", rows},
      {"lines", sim.lines.size()},
      {"points", points},
      {"files", {{"csv", stem + ".csv"}, {"jcamp_dx", stem + ".jdx"}}},
      {"couplings_from",
       "empirical: HLA Karplus (Haasnoot, de Leeuw, Altona 1980) across sp3-sp3 bonds at each "
       "conformer's dihedrals, typical values for geminal, alkene, allylic, aldehyde and "
       "aromatic pairs; Boltzmann-averaged over the conformers and over equivalent pairs"},
      {"notes",
       {"couplings to exchangeable H (OH, NH, SH) are left out: they depend on exchange with "
        "the solvent; those H appear as singlets"}}};
  return out;
}

}  // namespace qmnmr::runner
