// What `qmnmr bench levels` reports over its levels of theory: per level the
// accuracy figures per nucleus (cross-validated and in-sample, each atom and
// equivalent atoms averaged) beside its CPU and wall time per compound, the
// Pareto front of cross-validated MAE against CPU time per nucleus, and the
// levels table as Markdown, SVG plots and one report.html.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qmnmr::bench {

// The levels on the Pareto front of one nucleus: no other level is both
// cheaper (CPU seconds per compound, shielding and geometry together) and
// more accurate (cross-validated MAE, equivalent atoms averaged). `levels` is
// levels.json's "levels" array; levels without the nucleus's figures are left
// out. Returns their keys, cheapest first.
std::vector<std::string> pareto_front(const nlohmann::json& levels, const std::string& nucleus);

// The cross-validated MAE (equivalent atoms averaged) against CPU seconds per
// compound of every level, the front drawn apart, as a standalone SVG.
std::string pareto_svg(const nlohmann::json& levels, const std::string& nucleus);

// The levels table (levels.json's document) as Markdown.
std::string levels_markdown(const nlohmann::json& doc);

// levels.json, levels.md, pareto_1H.svg, pareto_13C.svg and report.html in `dir`.
void write_levels_outputs(const std::filesystem::path& dir, const nlohmann::json& doc);

}  // namespace qmnmr::bench
