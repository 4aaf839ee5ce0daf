// Stage xtb: GFN2-xTB optimisation (ALPB solvent) of each candidate in its own
// folder, then the energy window, duplicates, and the cap on conformers sent
// to DFT, filled lowest energy first (the weight it leaves out is recorded).
#include <algorithm>
#include <cmath>
#include <set>

#include "chem/clustering.h"
#include "chem/conformer_selection.h"
#include "chem/ensemble.h"
#include "chem/xtb.h"
#include "runner/pipeline/conformer_checks.h"
#include "runner/pipeline/program_text.h"
#include "runner/pipeline/mirror_images.h"
#include "runner/pipeline/stage_context.h"
#include "runner/pipeline/xtb_optimisation.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;

namespace {

constexpr double kXtbDuplicateRmsd = 0.25;        // Angstrom
constexpr double kXtbDuplicateEnergyKcal = 0.1;   // kcal/mol
constexpr double kReportedLeftOutWeight = 0.005;  // a warning from half a percent

void optimise(StageContext& ctx, Conformer& c) {
  auto o = optimise_with_xtb(ctx, c.geometry, ctx.paths.scratch() / "xtb" / conformer_dir_name(c.id),
                             "conf.xyz", "xtb_" + conformer_dir_name(c.id), ctx.molecule.charge,
                             ctx.molecule.multiplicity - 1);
  const auto& run = o.run;
  if (!o.ok()) {
    drop_conformer(ctx, c,
                   {"xtb", run.timed_out() ? "time_limit" : "xtb_failed",
                    "xtb failed: " + o.why() + "; read the log, and check the charge and "
                                               "multiplicity if every conformer fails",
                    o.said(), run.stdout_path.string(), !run.timed_out() && !run.signalled()});
    return;
  }
  const auto& geometry = *o.minimum;
  const auto& result = o.result;
  chem::check_geometry_matches(ctx.molecule, geometry);
  if (auto changed = structure_changed(ctx.molecule, geometry, "xtb", run.stdout_path.string())) {
    c.xtb_hartree = *result.total_energy;
    drop_conformer(ctx, c, *changed);
    return;
  }
  c.geometry = geometry;
  c.xtb_hartree = *result.total_energy;
  c.state = ConformerState::xtb_optimized;
}

}  // namespace

void stage_xtb(StageContext& ctx) {
  auto& e = ctx.ensemble;
  if (e.conformers.size() <= 1 && ctx.spec.conformers == ConformerMode::single &&
      ctx.spec.geometry != GeometryMode::xtb) {
    // One conformer needs no semi-empirical ranking.
    for (auto& c : e.conformers) c.state = ConformerState::selected;
    return;
  }
  for (auto& c : e.conformers)
    if (c.state == ConformerState::generated) optimise(ctx, c);
  auto ok = e.with_state(ConformerState::xtb_optimized);
  if (ok.empty()) {
    std::string first;
    for (const auto& c : e.conformers)
      if (c.failure && first.empty())
        first = c.failure->message + (c.failure->program_line.empty()
                                          ? ""
                                          : " (xtb: " + c.failure->program_line + ")") +
                "; log: " + c.failure->log;
    throw ToolError("no conformer survived the xTB stage; the first: " + first);
  }
  if (ok.size() < e.conformers.size())
    e.warn(std::to_string(e.conformers.size() - ok.size()) + " of " +
           std::to_string(e.conformers.size()) +
           " candidate conformers were dropped in the xTB stage (see conformer_ensemble)");

  // Energy window, then duplicates, then the cap.
  double emin = 1e300;
  for (auto* c : ok) emin = std::min(emin, *c->xtb_hartree);
  std::vector<Conformer*> in_window;
  for (auto* c : ok) {
    if ((*c->xtb_hartree - emin) * chem::kHartreeToKcal > chem::kXtbWindowKcal)
      c->state = ConformerState::xtb_window_rejected;
    else
      in_window.push_back(c);
  }
  std::vector<chem::Geometry> geoms;
  std::vector<double> energies;
  for (auto* c : in_window) {
    geoms.push_back(c->geometry);
    energies.push_back(*c->xtb_hartree * chem::kHartreeToKcal);
  }
  auto kept = chem::deduplicate(ctx.molecule, geoms, energies, kXtbDuplicateRmsd,
                                kXtbDuplicateEnergyKcal);
  std::set<size_t> kept_set(kept.begin(), kept.end());
  std::vector<Conformer*> unique;
  for (size_t i = 0; i < in_window.size(); ++i) {
    if (kept_set.contains(i))
      unique.push_back(in_window[i]);
    else
      in_window[i]->state = ConformerState::xtb_duplicate;
  }
  // Mirror twins ride with their partner: they take no place under the cap,
  // and go to DFT exactly when the partner does.
  auto twins = mark_mirror_images(ctx, unique);
  std::vector<Conformer*> candidates;
  geoms.clear();
  energies.clear();
  for (auto* c : unique) {
    if (c->mirror_of) continue;
    candidates.push_back(c);
    geoms.push_back(c->geometry);
    energies.push_back(*c->xtb_hartree * chem::kHartreeToKcal);
  }
  auto selection = chem::select_for_dft(ctx.molecule, geoms, energies,
                                        static_cast<size_t>(ctx.spec.max_conformers));
  std::set<size_t> chosen_index(selection.indices.begin(), selection.indices.end());
  std::set<int> chosen;
  for (size_t i = 0; i < candidates.size(); ++i)
    if (chosen_index.contains(i)) chosen.insert(candidates[i]->id);
  for (auto* c : unique)
    c->state = chosen.contains(c->mirror_of.value_or(c->id)) ? ConformerState::selected
                                                             : ConformerState::xtb_not_selected;
  if (twins > 0) {
    // The weight left out, over every unique conformer (a twin weighs as much as its partner).
    std::vector<double> all;
    for (auto* c : unique) all.push_back(*c->xtb_hartree);
    auto w = chem::boltzmann_weights(all);
    selection.left_out_weight = 0;
    for (size_t i = 0; i < unique.size(); ++i)
      if (unique[i]->state == ConformerState::xtb_not_selected) selection.left_out_weight += w[i];
  }
  e.cap_left_out_weight = selection.left_out_weight;
  ctx.status.doc()["cap_left_out_weight"] = selection.left_out_weight;
  if (selection.left_out_weight >= kReportedLeftOutWeight) {
    char pct[32];
    std::snprintf(pct, sizeof pct, "%.1f%%", 100 * selection.left_out_weight);
    e.warn("the cap of " + std::to_string(ctx.spec.max_conformers) + " DFT conformers left out " +
           std::to_string(e.with_state(ConformerState::xtb_not_selected).size()) +
           " conformer(s) carrying an estimated " +
           pct + " of the Boltzmann weight (xTB energies); raise --max-conformers to include "
           "them");
    ctx.log->warn("{}", e.warnings.back());
  }
  ctx.log->info("xtb: {} conformers selected for DFT{}", chosen.size(),
                twins > 0 ? " (and " + std::to_string(twins) + " mirror image(s) of them)" : "");
}

}  // namespace qmnmr::runner
