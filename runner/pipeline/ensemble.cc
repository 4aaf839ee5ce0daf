// Ensemble and conformer <-> JSON, and the state names.
#include "runner/pipeline/ensemble.h"

#include <array>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace qmnmr::runner {
using nlohmann::json;

namespace {
constexpr std::array<std::pair<ConformerState, std::string_view>, 12> kStates = {{
    {ConformerState::generated, "generated"},
    {ConformerState::xtb_optimized, "xtb_optimized"},
    {ConformerState::xtb_window_rejected, "xtb_window_rejected"},
    {ConformerState::xtb_duplicate, "xtb_duplicate"},
    {ConformerState::xtb_not_selected, "xtb_not_selected"},
    {ConformerState::selected, "selected"},
    {ConformerState::dft_optimized, "dft_optimized"},
    {ConformerState::dft_duplicate, "dft_duplicate"},
    {ConformerState::dft_window_rejected, "dft_window_rejected"},
    {ConformerState::dft_selected, "dft_selected"},
    {ConformerState::shielded, "shielded"},
    {ConformerState::dropped, "dropped"},
}};
}  // namespace

std::string_view state_name(ConformerState state) {
  for (const auto& [s, name] : kStates)
    if (s == state) return name;
  return "generated";
}

ConformerState state_from_name(std::string_view name) {
  for (const auto& [s, n] : kStates)
    if (n == name) return s;
  throw std::invalid_argument("unknown conformer state '" + std::string(name) + "'");
}

json ConformerFailure::to_json() const {
  return {{"stage", stage},         {"kind", kind}, {"message", message},
          {"program_line", program_line}, {"log", log},  {"final", final}};
}

ConformerFailure ConformerFailure::from_json(const json& j) {
  ConformerFailure f;
  f.stage = j.value("stage", "");
  f.kind = j.value("kind", "");
  f.message = j.value("message", "");
  f.program_line = j.value("program_line", "");
  f.log = j.value("log", "");
  f.final = j.value("final", true);
  return f;
}

json Conformer::to_json() const {
  json j{{"conformer_id", id}, {"state", state_name(state)}, {"xyz", chem::to_xyz(geometry)}};
  if (mmff_kcal) j["mmff_energy_kcal"] = *mmff_kcal;
  if (xtb_hartree) j["xtb_energy_hartree"] = *xtb_hartree;
  if (dft_hartree) j["dft_energy_hartree"] = *dft_hartree;
  if (!shieldings.empty()) j["shieldings"] = shieldings;
  if (dft_opt_steps > 0) j["dft_opt_steps"] = dft_opt_steps;
  if (mirror_of) j["mirror_of"] = *mirror_of;
  if (failure) j["failure"] = failure->to_json();
  j["weight"] = weight;
  return j;
}

Conformer Conformer::from_json(const json& j) {
  Conformer c;
  c.id = j.at("conformer_id").get<int>();
  c.state = state_from_name(j.at("state").get<std::string>());
  c.geometry = chem::parse_xyz(j.at("xyz").get<std::string>());
  if (j.contains("mmff_energy_kcal")) c.mmff_kcal = j["mmff_energy_kcal"].get<double>();
  if (j.contains("xtb_energy_hartree")) c.xtb_hartree = j["xtb_energy_hartree"].get<double>();
  if (j.contains("dft_energy_hartree")) c.dft_hartree = j["dft_energy_hartree"].get<double>();
  if (j.contains("shieldings")) c.shieldings = j["shieldings"].get<std::vector<double>>();
  c.dft_opt_steps = j.value("dft_opt_steps", 0);
  if (j.contains("mirror_of") && j["mirror_of"].is_number_integer())
    c.mirror_of = j["mirror_of"].get<int>();
  if (j.contains("failure")) c.failure = ConformerFailure::from_json(j["failure"]);
  c.weight = j.value("weight", 0.0);
  return c;
}

json Ensemble::to_json() const {
  json c = json::array();
  for (const auto& x : conformers) c.push_back(x.to_json());
  return {{"conformers", c},
          {"conformer_source", conformer_source},
          {"warnings", warnings},
          {"cap_left_out_weight", cap_left_out_weight},
          {"results", results}};
}

Ensemble Ensemble::from_json(const json& j) {
  Ensemble e;
  for (const auto& c : j.at("conformers")) e.conformers.push_back(Conformer::from_json(c));
  e.conformer_source = j.value("conformer_source", "");
  e.warnings = j.value("warnings", std::vector<std::string>{});
  e.cap_left_out_weight = j.value("cap_left_out_weight", 0.0);
  e.results = j.value("results", json());
  return e;
}

std::vector<Conformer*> Ensemble::with_state(ConformerState state) {
  std::vector<Conformer*> out;
  for (auto& c : conformers)
    if (c.state == state) out.push_back(&c);
  return out;
}

std::string conformer_dir_name(int id) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "conf_%03d", id);
  return buf;
}

}  // namespace qmnmr::runner
