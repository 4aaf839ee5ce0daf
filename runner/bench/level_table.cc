// The levels table, its Pareto fronts and its report.
#include "runner/bench/level_table.h"

#include <algorithm>
#include <cmath>

#include "chem/spectrum_svg.h"
#include "chem/text_lines.h"
#include "queue/atomic_file.h"
#include "runner/bench/level_comparison.h"
#include "runner/bench/scatter_svg.h"

namespace qmnmr::bench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kNuclei[] = {"1H", "13C"};

std::string fmt(double v, int digits) { return chem::fixed_digits(v, digits); }
int digits_for(const std::string& nucleus) { return nucleus == "1H" ? 3 : 2; }

// The figures of one nucleus and counting, or nullptr.
const json* figures(const json& level, const std::string& nucleus, const char* counting,
                    const char* kind) {
  if (!level.contains("statistics")) return nullptr;
  const json& st = level["statistics"];
  if (!st.contains(nucleus) || !st[nucleus].contains(counting)) return nullptr;
  const auto& c = st[nucleus][counting];
  if (!c.contains(kind) || c[kind].value("n", 0) == 0) return nullptr;
  return &c[kind];
}

double cpu_total(const json& level) {
  return level.value("cpu_seconds_per_compound", json::object()).value("total", 0.0);
}

struct Point {
  std::string key;
  double cpu, mae;
};

std::vector<Point> points(const json& levels, const std::string& nucleus) {
  std::vector<Point> out;
  for (const auto& l : levels)
    if (const json* cv = figures(l, nucleus, "equivalent_averaged", "cross_validated"))
      out.push_back({l.value("key", ""), cpu_total(l), (*cv)["mae"].get<double>()});
  return out;
}

std::string mae_rmsd(const json* f, int d) {
  return f ? fmt((*f)["mae"], d) + " / " + fmt((*f)["rmsd"], d) : "-";
}

std::string max_error(const json* f, int d) {
  if (!f) return "-";
  const auto& m = (*f)["max_abs_error"];
  return fmt(m["ppm"], d) + " (" + m.value("compound", "") + " " + m.value("atom", "") + ")";
}

std::vector<std::string> columns() {
  return {"level (shielding)", "geometry", "compounds", "1H cv MAE / RMSD", "1H in-sample MAE",
          "1H cv per atom MAE", "1H largest cv error", "13C cv MAE / RMSD", "13C in-sample MAE",
          "13C cv per atom MAE", "13C largest cv error", "CPU s / compound (shielding + geometry)",
          "wall s / compound", "Pareto"};
}

std::vector<std::vector<std::string>> rows(const json& doc) {
  std::vector<std::vector<std::string>> out;
  const auto& fronts = doc.value("pareto", json::object());
  for (const auto& l : doc.at("levels")) {
    std::vector<std::string> r{
        l.value("label", "") + (l.value("verified", true) ? "" : " (unverified)"),
        l.value("geometry", ""),
        std::to_string(l.value("compounds_counted", 0)) + " of " +
            std::to_string(l.value("compounds", 0))};
    for (const char* n : kNuclei) {
      const int d = digits_for(n);
      r.push_back(mae_rmsd(figures(l, n, "equivalent_averaged", "cross_validated"), d));
      const json* in = figures(l, n, "equivalent_averaged", "in_sample");
      r.push_back(in ? fmt((*in)["mae"], d) : "-");
      const json* pa = figures(l, n, "per_atom", "cross_validated");
      r.push_back(pa ? fmt((*pa)["mae"], d) : "-");
      r.push_back(max_error(figures(l, n, "equivalent_averaged", "cross_validated"), d));
    }
    const auto& cpu = l.value("cpu_seconds_per_compound", json::object());
    r.push_back(fmt(cpu.value("total", 0.0), 0) + " (" + fmt(cpu.value("shielding", 0.0), 0) +
                " + " + fmt(cpu.value("geometry", 0.0), 0) + ")");
    r.push_back(fmt(l.value("wall_seconds_per_compound", json::object()).value("total", 0.0), 0));
    std::string front;
    for (const char* n : kNuclei) {
      const auto& keys = fronts.value(n, json::array());
      if (std::find(keys.begin(), keys.end(), l.value("key", "")) != keys.end())
        front += (front.empty() ? "" : ", ") + std::string(n);
    }
    r.push_back(front.empty() ? "-" : front);
    out.push_back(r);
  }
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

std::string markdown_table(const std::vector<std::string>& cols, const Rows& body) {
  std::string md = "|";
  for (const auto& c : cols) md += " " + c + " |";
  md += "\n|";
  for (size_t i = 0; i < cols.size(); ++i) md += "---|";
  md += "\n";
  for (const auto& r : body) {
    md += "|";
    for (const auto& cell : r) md += " " + cell + " |";
    md += "\n";
  }
  return md;
}

std::string html_table(const std::vector<std::string>& cols, const Rows& body) {
  std::string table = "<table><tr>";
  for (const auto& c : cols) table += "<th>" + chem::xml_escape(c) + "</th>";
  table += "</tr>\n";
  for (const auto& r : body) {
    table += "<tr>";
    for (const auto& cell : r) table += "<td>" + chem::xml_escape(cell) + "</td>";
    table += "</tr>\n";
  }
  return table + "</table>\n";
}

std::string strip_xml_header(const std::string& svg) {
  auto p = svg.find("<svg");
  return p == std::string::npos ? svg : svg.substr(p);
}

}  // namespace

std::vector<std::string> pareto_front(const json& levels, const std::string& nucleus) {
  auto pts = points(levels, nucleus);
  std::sort(pts.begin(), pts.end(), [](const Point& a, const Point& b) {
    return a.cpu != b.cpu ? a.cpu < b.cpu : a.mae < b.mae;
  });
  std::vector<std::string> front;
  double best = INFINITY;
  for (const auto& p : pts)
    if (p.mae < best) {  // cheaper ones were all less accurate
      front.push_back(p.key);
      best = p.mae;
    }
  return front;
}

std::string pareto_svg(const json& levels, const std::string& nucleus) {
  const auto front = pareto_front(levels, nucleus);
  ScatterPlot plot;
  plot.title = nucleus + ": cross-validated MAE against CPU time";
  plot.x_label = "CPU seconds per compound (shielding + geometry, all ranks)";
  plot.y_label = nucleus + " MAE, leave one compound out / ppm";
  ScatterSeries on{"on the Pareto front", "#c0392b", {}}, off{"dominated", "#1f5fbf", {}};
  const int d = digits_for(nucleus);
  for (const auto& p : points(levels, nucleus)) {
    std::string label = "";
    for (const auto& l : levels)
      if (l.value("key", "") == p.key)
        label = l.value("label", "") + " // " + l.value("geometry", "");
    ScatterPoint pt{p.cpu, p.mae, label + ": " + fmt(p.mae, d) + " ppm, " + fmt(p.cpu, 0) + " s"};
    (std::find(front.begin(), front.end(), p.key) != front.end() ? on : off).points.push_back(pt);
  }
  plot.series = {on, off};
  return scatter_svg(plot);
}

std::string levels_markdown(const json& doc) {
  std::string md = markdown_table(columns(), rows(doc));
  const json comparison = doc.value("comparison", json());
  if (!comparison.is_null())
    md += "\n" + comparison_note(comparison) + "\n\n" +
          markdown_table(comparison_columns(), comparison_rows(comparison));
  return md;
}

void write_levels_outputs(const fs::path& dir, const json& doc) {
  queue::write_file_atomic(dir / "levels.json", doc.dump(1) + "\n");
  queue::write_file_atomic(dir / "levels.md", levels_markdown(doc));
  std::string figures;
  for (const char* n : kNuclei) {
    auto svg = pareto_svg(doc.at("levels"), n);
    queue::write_file_atomic(dir / ("pareto_" + std::string(n) + ".svg"), svg);
    figures += strip_xml_header(svg);
  }
  std::string table = html_table(columns(), rows(doc));
  const json comparison = doc.value("comparison", json());
  if (!comparison.is_null())
    table += "<p>" + chem::xml_escape(comparison_note(comparison)) + "</p>\n" +
             html_table(comparison_columns(), comparison_rows(comparison));
  const auto& set = doc.value("set", json::object());
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>qmnmr bench "
      "levels</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1400px}"
      "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:3px 8px;"
      "text-align:left}th{background:#eee}.figs{display:flex;flex-wrap:wrap;gap:1em}</style>"
      "</head><body>\n<h1>qmnmr bench levels</h1>\n<p>Set: " +
      chem::xml_escape(set.value("path", "")) + " (" + chem::xml_escape(set.value("source", "")) +
      "; " + chem::xml_escape(set.value("conditions", "")) + "), solvent " +
      chem::xml_escape(doc.value("solvent", "")) + ". Compounds counted: those complete at every "
      "level (" + std::to_string(doc.value("compounds_counted", 0)) + "). Errors in ppm of the "
      "line fitted per level: cross-validated leaves each compound out; equivalent atoms "
      "averaged unless marked per atom. CPU time is every MPI rank's, with " +
      std::to_string(doc.value("plan", json::object()).value("ranks", 0)) +
      " ranks for every level, one run at a time; a geometry shared by levels counts for "
      "each.</p>\n" + table + "<div class=\"figs\">" + figures + "</div>\n" +
      "<p>Each level's atoms, plots and its own report: its folder's bench.json and "
      "report.html.</p></body></html>\n";
  queue::write_file_atomic(dir / "report.html", html);
}

}  // namespace qmnmr::bench
