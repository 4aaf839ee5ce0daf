// job_status_response, results_response and job_list_row.
#include "runner/api/job_view.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>

#include "queue/job_status.h"
#include "runner/api/submission.h"

namespace qmnmr::api {
namespace {

using nlohmann::json;

constexpr double kKcalPerHartree = 627.5094740631;

std::string text_of(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

std::string element_of(const std::string& label) {
  std::string e;
  for (char c : label)
    if (std::isalpha(static_cast<unsigned char>(c))) e += c;
    else break;
  return e;
}

json shift_rows(const json& rows) {
  json out = json::array();
  if (!rows.is_array()) return out;
  for (const auto& row : rows) {
    json r = row;
    const std::string label = text_of(row, "atom");
    r["atom"] = element_of(label);
    r["atom_label"] = label;
    out.push_back(r);
  }
  std::stable_sort(out.begin(), out.end(), [](const json& a, const json& b) {
    return a.value("shift", 0.0) > b.value("shift", 0.0);
  });
  return out;
}

json expected_mae(const json& conversion) {
  if (!conversion.is_object() || !conversion.contains("mae") || !conversion["mae"].is_number())
    return nullptr;
  char buf[32];
  std::snprintf(buf, sizeof buf, "+/- %.2f ppm", conversion["mae"].get<double>());
  return buf;
}

// The conformers' energies (DFT if any has one, else xTB) relative to the lowest, kcal/mol.
std::vector<std::optional<double>> relative_energies(const json& conformers) {
  bool dft = false;
  for (const auto& c : conformers) dft |= c.contains("dft_energy_hartree") &&
                                          c["dft_energy_hartree"].is_number();
  const char* key = dft ? "dft_energy_hartree" : "xtb_energy_hartree";
  double lowest = std::numeric_limits<double>::infinity();
  for (const auto& c : conformers)
    if (c.contains(key) && c[key].is_number()) lowest = std::min(lowest, c[key].get<double>());
  std::vector<std::optional<double>> out;
  for (const auto& c : conformers)
    if (c.contains(key) && c[key].is_number())
      out.push_back(std::round((c[key].get<double>() - lowest) * kKcalPerHartree * 100) / 100);
    else
      out.push_back(std::nullopt);
  return out;
}

// The reference's conformer status from qmnmr's state and the running step;
// nullopt for conformers the xTB stage left out (the reference never lists them).
std::optional<std::string> progress_status(const std::string& state, const std::string& step) {
  if (state == "generated" || state == "xtb_optimized") return "pending";
  if (state == "selected") return step == "dft_opt" ? "optimizing" : "pending";
  if (state == "dft_optimized" || state == "dft_selected")
    return step == "shielding" ? "nmr_running" : "optimized";
  if (state == "dft_duplicate" || state == "dft_window_rejected") return "optimized";
  if (state == "shielded") return "nmr_complete";
  if (state == "dropped") return "failed";
  return std::nullopt;
}

json conformer_progress(const json& status) {
  const json& conformers = status.value("conformer_ensemble", json());
  if (!conformers.is_array() || conformers.empty()) return nullptr;
  const std::string step = text_of(status, "current_step");
  const auto energies = relative_energies(conformers);
  json out = json::array();
  for (size_t i = 0; i < conformers.size(); ++i) {
    const auto& c = conformers[i];
    const auto shown = progress_status(text_of(c, "state"), step);
    if (!shown) continue;
    json weight = c.contains("weight") && c["weight"].is_number()
                      ? json(std::round(c["weight"].get<double>() * 1e4) / 1e4)
                      : json(nullptr);
    out.push_back({{"conformer_id", std::to_string(c.value("conformer_id", 0))},
                   {"status", *shown},
                   {"energy_kcal", energies[i] ? json(*energies[i]) : json(nullptr)},
                   {"population", weight},
                   {"qmnmr_state", text_of(c, "state")}});
  }
  return out;
}

json ensemble_metadata(const json& status) {
  const json& conformers = status.value("conformer_ensemble", json());
  const std::string conformers_setting = text_of(status.value("input", json()), "conformer_mode");
  if (status.value("status", "") != "complete" || !conformers.is_array() ||
      conformers_setting == "single" || conformers_setting.empty())
    return nullptr;
  const auto energies = relative_energies(conformers);
  json shielded = json::array();
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (size_t i = 0; i < conformers.size(); ++i) {
    const auto& c = conformers[i];
    if (text_of(c, "state") != "shielded") continue;
    const double e = energies[i].value_or(0.0);
    low = std::min(low, e);
    high = std::max(high, e);
    shielded.push_back({{"id", std::to_string(c.value("conformer_id", 0))},
                        {"population", c.value("weight", 0.0)},
                        {"energy_kcal", e}});
  }
  std::stable_sort(shielded.begin(), shielded.end(), [](const json& a, const json& b) {
    return a["population"].get<double>() > b["population"].get<double>();
  });
  json top = json::array();
  for (size_t i = 0; i < shielded.size() && i < 3; ++i) top.push_back(shielded[i]);
  const json& method = status.value("method", json());
  return {{"conformer_count", shielded.size()},
          {"total_generated", conformers.size()},
          {"method", reference_conformer_method(conformers_setting)},
          {"temperature_k", method.is_object() ? method.value("temperature_k", 298.15) : 298.15},
          {"energy_range_kcal", shielded.empty() ? 0.0 : high - low},
          {"top_populations", top},
          {"conformer_method_warning", status.value("conformer_method_warning", json())}};
}

json nmr_results_of(const json& nmr, const json& status) {
  const json& method = status.value("method", json());
  const json& conversion = nmr.value("shift_conversion", json());
  const std::string how = text_of(conversion.value("1H", json()), "method");
  json r = nmr;  // qmnmr's keys stay
  r["h1_shifts"] = shift_rows(nmr.value("h1_shifts", json()));
  r["c13_shifts"] = shift_rows(nmr.value("c13_shifts", json()));
  r["functional"] = text_of(method, "functional");
  r["basis_set"] = text_of(method, "shielding_basis");
  r["solvent"] = text_of(status.value("input", json()), "solvent");
  r["scaling_factor_source"] = how == "regression" ? "DELTA50" : how;
  r["h1_expected_mae"] = expected_mae(conversion.value("1H", json()));
  r["c13_expected_mae"] = expected_mae(conversion.value("13C", json()));
  r["ensemble_metadata"] = ensemble_metadata(status);
  if (nmr.contains("stereoisomers")) {  // --stereoisomers all: one result per isomer
    json isomers = json::array();
    for (const auto& isomer : nmr["stereoisomers"]) isomers.push_back(nmr_results_of(isomer, status));
    r["stereoisomers"] = isomers;
  }
  return r;
}

}  // namespace

json results_response(const json& status) {
  const json& nmr = status.value("nmr_results", json());
  if (!nmr.is_object()) return nullptr;
  return nmr_results_of(nmr, status);
}

json job_status_response(const json& status) {
  json r = status;
  const json& input = status.value("input", json());
  const json& molecule = status.value("molecule", json());
  std::string smiles = text_of(input, "smiles");
  if (smiles.empty()) smiles = text_of(molecule, "canonical_smiles");
  const std::string name = text_of(input, "name");
  const std::string conformers = text_of(input, "conformer_mode");
  r["input_smiles"] = smiles;
  r["input_name"] = name.empty() ? json(nullptr) : json(name);
  r["preset"] = text_of(input, "preset");
  r["solvent"] = text_of(input, "solvent");
  r["conformers"] = conformers;  // qmnmr's own setting: single, rdkit or crest
  r["conformer_mode"] = reference_conformer_mode(conformers.empty() ? "single" : conformers);
  r["conformer_method"] = reference_conformer_method(conformers);
  const json progress = conformer_progress(status);
  r["conformer_progress"] = progress;
  r["conformer_count"] = r["conformer_mode"] == "ensemble" && progress.is_array()
                             ? json(progress.size())
                             : json(nullptr);
  r["eta_seconds"] = nullptr;
  if (!r.contains("conformer_method_warning")) r["conformer_method_warning"] = nullptr;
  r["nmr_results"] = results_response(status);
  r["ensemble_metadata"] = ensemble_metadata(status);
  return r;
}

json job_list_row(const queue::JobRecord& record) {
  auto opt_time = [](const std::optional<double>& t) {
    return t ? json(queue::iso8601_utc(*t)) : json(nullptr);
  };
  const std::string name = text_of(record.input, "name");
  return {{"job_id", record.id},
          {"status", std::string(queue::to_string(record.state))},
          {"created_at", queue::iso8601_utc(record.created_at)},
          {"started_at", opt_time(record.started_at)},
          {"completed_at", opt_time(record.completed_at)},
          {"input_smiles", text_of(record.input, "smiles")},
          {"input_name", name.empty() ? json(nullptr) : json(name)},
          {"preset", text_of(record.input, "preset")},
          {"solvent", text_of(record.input, "solvent")},
          {"priority", record.priority},
          {"attempts", record.attempts},
          {"last_stage", record.last_stage ? json(*record.last_stage) : json(nullptr)},
          {"error_message", record.error_message ? json(*record.error_message) : json(nullptr)}};
}

}  // namespace qmnmr::api
