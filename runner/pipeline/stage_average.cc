// Stage average: the dropped-weight check, Boltzmann weights at 298.15 K over
// the shielded conformers, averaging over atoms NMR cannot tell apart
// (homotopic and enantiotopic, never diastereotopic), then shielding -> shift
// by the preset's regression or the TMS reference at the same level.
#include <cstdio>
#include <map>
#include <optional>

#include "chem/ensemble.h"
#include "chem/exchangeable_protons.h"
#include "chem/heavy_atom_effect.h"
#include "chem/shift_conversion.h"
#include "chem/symmetry.h"
#include "runner/pipeline/dropped_weight.h"
#include "runner/pipeline/stage_context.h"
#include "runner/pipeline/tms_reference.h"

namespace qmnmr::runner {
using nlohmann::json;

namespace {

std::string percent(double w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * w);
  return buf;
}

// Fails the job when the dropped conformers carried too much weight; else warns.
void check_dropped_weight(StageContext& ctx) {
  auto dropped = estimate_dropped_weight(ctx.ensemble);
  if (dropped.ids.empty()) return;
  std::string ids;
  for (int id : dropped.ids) ids += (ids.empty() ? "" : ", ") + std::to_string(id);
  std::string reasons;
  for (const auto& c : ctx.ensemble.conformers)
    if (c.state == ConformerState::dropped && c.failure &&
        (c.failure->stage == "dft_opt" || c.failure->stage == "shielding"))
      reasons += " conformer " + std::to_string(c.id) + ": " + c.failure->message + ".";
  ctx.status.doc()["dropped_conformers"] = {{"ids", dropped.ids},
                                            {"estimated_weight", dropped.weight},
                                            {"energies", dropped.energy_level}};
  const bool none_left = ctx.ensemble.with_state(ConformerState::shielded).empty();
  std::string text = "conformer(s) " + ids + " failed in the DFT stages and were dropped; they " +
                     "carried an estimated " + percent(dropped.weight) +
                     " of the Boltzmann weight (" + dropped.energy_level + " energies).";
  if (none_left || dropped.weight > kMaxDroppedWeight)
    throw ToolError(text + (none_left ? " No conformer is left to average."
                                      : " That is more than " + percent(kMaxDroppedWeight) +
                                            ": the shifts would describe a minority of the "
                                            "molecules, so the job fails.") +
                    reasons);
  ctx.ensemble.warn(text + reasons);
  ctx.log->warn("{}", ctx.ensemble.warnings.back());
}

}  // namespace

void stage_average(StageContext& ctx) {
  check_dropped_weight(ctx);
  auto shielded = ctx.ensemble.with_state(ConformerState::shielded);
  if (shielded.empty()) throw ToolError("no conformer has shieldings");
  std::vector<double> energies;
  for (auto* c : shielded) energies.push_back(*c->dft_hartree);
  auto weights = chem::boltzmann_weights(energies);
  std::vector<std::vector<double>> per_conformer;
  for (size_t i = 0; i < shielded.size(); ++i) {
    shielded[i]->weight = weights[i];
    per_conformer.push_back(shielded[i]->shieldings);
  }
  // Unrounded averages; rounding is for display only.
  auto sigma = chem::weighted_shieldings(per_conformer, weights);
  const auto atom_sigma = sigma;  // before the equivalence average (qmnmr bench reads both)
  // Atoms NMR cannot tell apart share one averaged shielding.
  auto classes = chem::nmr_equivalence_classes(ctx.molecule);
  for (const auto& group : chem::symmetry_groups(classes)) {
    double sum = 0;
    for (int a : group) sum += sigma[a];
    for (int a : group) sigma[a] = sum / static_cast<double>(group.size());
  }
  // Shifts the non-relativistic shieldings get wrong are flagged, not corrected;
  // so are exchangeable protons (no one-molecule calculation can place them).
  auto caveats = chem::heavy_atom_caveats(ctx.molecule);
  if (!caveats.empty()) {
    std::string atoms;
    for (const auto& [i, text] : caveats)
      atoms += (atoms.empty() ? "" : ", ") + ctx.molecule.symbols[i] + std::to_string(i + 1);
    ctx.ensemble.warn("the shifts of " + atoms + " (bonded to Br, I or a heavier atom) leave out " +
                      "the heavy atom's spin-orbit shift and are too far downfield; each has a " +
                      "caveat in results.json");
  }
  caveats.merge(chem::exchangeable_proton_caveats(ctx.molecule));
  // An open shell (asked for: check_open_shell refuses it otherwise) has no
  // regression and no uncertainty.
  const auto shells = ctx.molecule.multiplicity > 1 ? chem::Shells::open : chem::Shells::closed;
  if (shells == chem::Shells::open)
    ctx.ensemble.warn("multiplicity " + std::to_string(ctx.molecule.multiplicity) +
                      " (open shell, as asked): the shieldings lack the paramagnetic terms; the "
                      "shifts are against TMS, with no regression and no uncertainty");
  std::map<const chem::Level*, std::map<std::string, double>> tms;
  json results{{"h1_shifts", json::array()}, {"c13_shifts", json::array()}};
  json methods = json::object();
  for (auto nucleus : {chem::Nucleus::h1, chem::Nucleus::c13}) {
    const std::string element = nucleus == chem::Nucleus::h1 ? "H" : "C";
    std::optional<double> sigma_tms;
    const chem::Calibration* calibration = ctx.spec.calibration ? &*ctx.spec.calibration : nullptr;
    if (chem::shift_method_for(ctx.preset(), ctx.solvent(), nucleus, calibration, shells) ==
        chem::ShiftMethod::tms_reference) {
      // Once per level: both nuclei of one level share its TMS runs.
      const chem::Level* level = &ctx.preset().shielding_for(nucleus);
      if (!tms.contains(level)) tms[level] = tms_reference(ctx, *level);
      sigma_tms = tms[level].at(element);
    }
    auto conversion =
        chem::shift_conversion_for(ctx.preset(), ctx.solvent(), nucleus, sigma_tms, calibration,
                                   shells);
    methods[std::string(chem::nucleus_name(nucleus))] = conversion.to_json();
    auto& list = results[nucleus == chem::Nucleus::h1 ? "h1_shifts" : "c13_shifts"];
    for (size_t i = 0; i < sigma.size(); ++i) {
      if (ctx.molecule.symbols[i] != element) continue;
      json row{{"index", i + 1},
               {"atom", element + std::to_string(i + 1)},
               {"shielding", sigma[i]},
               {"atom_shielding", atom_sigma[i]},
               {"shift", conversion.shift(sigma[i])},
               {"equivalence_class", classes[i]}};
      row["uncertainty_ppm"] = conversion.mae ? json(*conversion.mae) : json();
      if (auto it = caveats.find(static_cast<int>(i)); it != caveats.end())
        row["caveat"] = it->second;
      list.push_back(row);
    }
  }
  results["shift_conversion"] = methods;
  if (shells == chem::Shells::open) results["open_shell"] = true;
  ctx.ensemble.results = results;
}

}  // namespace qmnmr::runner
