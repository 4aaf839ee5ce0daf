// Matching a job's computed shifts to a compound's experimental assignments.
#include "runner/bench/compound_results.h"

#include <stdexcept>

namespace qmnmr::bench {
using nlohmann::json;

const char* counting_name(Counting counting) {
  return counting == Counting::per_atom ? "per_atom" : "equivalent_averaged";
}

namespace {

// The slope of the job's conversion: shift = slope * sigma + c (TMS: -1).
double conversion_slope(const json& conversion) {
  return conversion.contains("slope") ? conversion["slope"].get<double>() : -1.0;
}

void add_nucleus(const ReferenceCompound& compound, const json& rows, const json& conversion,
                 const std::map<int, double>& experimental, const std::string& nucleus,
                 CompoundObservations& out) {
  if (experimental.empty()) return;
  std::map<int, const json*> by_index;
  for (const auto& r : rows) by_index[r.at("index").get<int>()] = &r;
  const double slope = conversion_slope(conversion);
  auto& per_atom = out.by_nucleus[nucleus][Counting::per_atom];
  auto& equivalent = out.by_nucleus[nucleus][Counting::equivalent];
  struct Group {
    std::string atoms;
    double shielding = 0, shift = 0, experimental_sum = 0;
    int count = 0;
  };
  std::map<int, Group> groups;  // by equivalence class, in first-atom order via `order`
  std::vector<int> order;
  for (const auto& [index, exp] : experimental) {
    auto it = by_index.find(index);
    if (it == by_index.end())
      throw std::invalid_argument(compound.id + ": atom " + std::to_string(index) +
                                  " has an experimental " + nucleus + " shift but no computed one");
    const json& r = *it->second;
    const double sigma_group = r.at("shielding").get<double>();
    const double shift_group = r.at("shift").get<double>();
    const double sigma_atom = r.value("atom_shielding", sigma_group);
    // The job's line applied to the atom's own shielding.
    const double predicted_atom = shift_group + slope * (sigma_atom - sigma_group);
    const std::string label = r.value("atom", std::string());
    per_atom.push_back({compound.id, compound.name, label, sigma_atom, predicted_atom, exp});
    out.atoms.push_back({{"compound", compound.id},
                         {"name", compound.name},
                         {"index", index},
                         {"atom", label},
                         {"element", nucleus == "1H" ? "H" : "C"},
                         {"shielding", sigma_atom},
                         {"equivalent_shielding", sigma_group},
                         {"predicted", predicted_atom},
                         {"experimental", exp},
                         {"error", predicted_atom - exp},
                         {"equivalence_class", r.value("equivalence_class", -1)}});
    const int cls = r.value("equivalence_class", -index);
    auto& g = groups[cls];
    if (g.count == 0) {
      order.push_back(cls);
      g.shielding = sigma_group;
      g.shift = shift_group;
    }
    g.atoms += (g.atoms.empty() ? "" : ",") + label;
    g.experimental_sum += exp;
    ++g.count;
  }
  for (int cls : order) {
    const auto& g = groups[cls];
    equivalent.push_back(
        {compound.id, compound.name, g.atoms, g.shielding, g.shift, g.experimental_sum / g.count});
  }
}

}  // namespace

CompoundObservations compound_observations(const ReferenceCompound& compound,
                                           const json& results) {
  CompoundObservations out;
  const json& conversions = results.at("method").at("shift_conversion");
  add_nucleus(compound, results.at("h1_shifts"), conversions.at("1H"), compound.h1, "1H", out);
  add_nucleus(compound, results.at("c13_shifts"), conversions.at("13C"), compound.c13, "13C", out);
  return out;
}

}  // namespace qmnmr::bench
