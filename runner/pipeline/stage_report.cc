// Stage report: the output files (results.json, shifts.csv, nmredata.sdf,
// spectrum_1H.svg / spectrum_13C.svg, the simulated 1H spectrum's CSV and
// JCAMP-DX, optimized.xyz, conformers/) and the results in status.json.
#include <map>

#include "chem/nmredata.h"
#include "chem/shift_conversion.h"
#include "chem/spectrum_svg.h"
#include "chem/symmetry.h"
#include "chem/text_lines.h"
#include "queue/atomic_file.h"
#include "runner/pipeline/h1_spectrum.h"
#include "runner/pipeline/stage_context.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using nlohmann::json;

void stage_report(StageContext& ctx) {
  auto out = ctx.paths.output();
  fs::create_directories(out / "conformers");
  const auto& results = ctx.ensemble.results;
  auto shielded = ctx.ensemble.with_state(ConformerState::shielded);
  const Conformer* best = shielded.front();
  for (auto* c : shielded)
    if (*c->dft_hartree < *best->dft_hartree) best = c;

  json ensemble = json::array();
  for (const auto& c : ctx.ensemble.conformers) {
    json row = c.to_json();
    row.erase("xyz");
    row.erase("shieldings");
    ensemble.push_back(row);
    if (c.state == ConformerState::shielded)
      queue::write_file_atomic(out / "conformers" / (conformer_dir_name(c.id) + ".xyz"),
                               chem::to_xyz(c.geometry, "conformer " + std::to_string(c.id)));
  }
  queue::write_file_atomic(out / "optimized.xyz",
                           chem::to_xyz(best->geometry, "lowest-energy conformer " +
                                                            std::to_string(best->id)));
  json method{{"preset", std::string(ctx.preset().name)},
              {"level", ctx.preset().level_label()},
              {"functional", std::string(ctx.preset().shielding.functional->key)},
              // No DFT geometry on xTB minima: no geometry basis to name.
              {"geometry_basis", ctx.preset().geometry_from_xtb
                                     ? json(nullptr)
                                     : json(ctx.preset().geometry.basis_label())},
              {"shielding_basis", ctx.preset().shielding.basis_label()},
              {"geometry_basis_by_element", ctx.preset().geometry_from_xtb
                                                ? json(nullptr)
                                                : json(ctx.geometry_basis.element_basis())},
              {"shielding_basis_by_element", ctx.shielding_basis.element_basis()},
              {"geometry_level", ctx.preset().geometry_from_xtb
                                     ? std::string("gfn2-xtb")
                                     : level_label(ctx.preset().geometry)},
              {"shielding_level", level_label(ctx.preset().shielding)},
              {"shielding_level_by_nucleus",
               {{"1H", level_label(ctx.preset().shielding_for(chem::Nucleus::h1))},
                {"13C", level_label(ctx.preset().shielding_for(chem::Nucleus::c13))}}},
              {"shielding_runs_per_conformer", ctx.preset().shielding_runs().size()},
              {"geometry", ctx.spec.geometry == GeometryMode::fixed
                               ? "the input geometry, fixed (not optimised)"
                           : ctx.spec.geometry == GeometryMode::xtb
                               ? "GFN2-xTB minima (not DFT-optimised)"
                               : "DFT-optimised, " + level_label(ctx.preset().geometry)},
              {"solvent", std::string(ctx.solvent().key)},
              {"solvation", ctx.solvent().is_vacuum() ? "none" : "COSMO (NWChem), ALPB (xTB)"},
              {"shift_conversion", results.at("shift_conversion")},
              {"temperature_k", 298.15}};
  if (ctx.spec.calibration) method["calibration"] = ctx.spec.calibration->to_json();
  json full{{"h1_shifts", results.at("h1_shifts")},
            {"c13_shifts", results.at("c13_shifts")},
            {"method", method},
            {"molecule",
             {{"name", ctx.molecule.name},
              {"canonical_smiles", ctx.molecule.canonical_smiles},
              {"charge", ctx.molecule.charge},
              {"multiplicity", ctx.molecule.multiplicity}}},
            {"conformer_source", ctx.ensemble.conformer_source},
            {"conformer_ensemble", ensemble},
            {"cap_left_out_weight", ctx.ensemble.cap_left_out_weight},
            {"warnings", ctx.ensemble.warnings}};
  if (results.value("open_shell", false)) full["open_shell"] = true;  // no regression, no uncertainty
  // Couplings and the simulated 1H spectrum; a molecule the simulation cannot
  // take keeps its shifts, with a warning.
  auto classes = chem::nmr_equivalence_classes(ctx.molecule);
  try {
    const std::vector<const Conformer*> weighted(shielded.begin(), shielded.end());
    H1Spectrum h1 = h1_spectrum(ctx.molecule, weighted, results.at("h1_shifts"), classes, out);
    full["couplings"] = std::move(h1.couplings);
    full["h1_spectrum"] = std::move(h1.spectrum);
  } catch (const std::exception& e) {
    ctx.log->warn("report: no simulated 1H spectrum: {}", e.what());
    full["warnings"].push_back(std::string("no simulated 1H spectrum: ") + e.what());
  }
  queue::write_file_atomic(out / "results.json", full.dump(2) + "\n");

  std::string csv = "nucleus,index,atom,shielding,shift,uncertainty_ppm\n";
  for (const auto& [key, nucleus] : {std::pair{"h1_shifts", "1H"}, std::pair{"c13_shifts", "13C"}})
    for (const auto& r : results.at(key))
      csv += std::string(nucleus) + "," + std::to_string(r.at("index").get<int>()) + "," +
             chem::csv_field(r.at("atom").get<std::string>()) + "," +
             chem::fixed_digits(r.at("shielding").get<double>(), 4) + "," +
             chem::fixed_digits(r.at("shift").get<double>(), 4) + "," +
             (r.at("uncertainty_ppm").is_number()
                  ? chem::fixed_digits(r.at("uncertainty_ppm").get<double>(), 3)
                  : std::string()) +
             "\n";
  queue::write_file_atomic(out / "shifts.csv", csv);

  // Spectra and NMReDATA: one signal per equivalence class.
  chem::NmredataInput nmr;
  nmr.solvent = std::string(ctx.solvent().nmr_name);
  nmr.symmetry_classes = classes;
  for (const auto& r : results.at("h1_shifts"))
    nmr.h1.push_back({r.at("index").get<int>(), r.at("shift").get<double>()});
  for (const auto& r : results.at("c13_shifts"))
    nmr.c13.push_back({r.at("index").get<int>(), r.at("shift").get<double>()});
  queue::write_file_atomic(out / "nmredata.sdf",
                           chem::nmredata_sdf(ctx.molecule, best->geometry, nmr));
  for (const auto& [key, nucleus] : {std::pair{"h1_shifts", "1H"}, std::pair{"c13_shifts", "13C"}}) {
    std::map<int, chem::Peak> peaks;  // by equivalence class
    for (const auto& r : results.at(key)) {
      int i = r.at("index").get<int>() - 1;
      auto [it, fresh] = peaks.try_emplace(classes[i], chem::Peak{0, 0, ""});
      auto& p = it->second;
      p.shift = r.at("shift").get<double>();
      p.intensity += 1;
      p.label += (p.label.empty() ? "" : ",") + r.at("atom").get<std::string>();
    }
    std::vector<chem::Peak> list;
    for (auto& [cls, p] : peaks) list.push_back(p);
    queue::write_file_atomic(out / (std::string("spectrum_") + nucleus + ".svg"),
                             chem::spectrum_svg(nucleus, list,
                                                (ctx.molecule.name.empty()
                                                     ? ctx.molecule.canonical_smiles
                                                     : ctx.molecule.name) +
                                                    " " + nucleus));
  }

  auto& doc = ctx.status.doc();
  doc["nmr_results"] = {{"h1_shifts", results.at("h1_shifts")},
                        {"c13_shifts", results.at("c13_shifts")},
                        {"shift_conversion", results.at("shift_conversion")}};
  doc["conformer_ensemble"] = ensemble;
  doc["method"] = method;
}

}  // namespace qmnmr::runner
