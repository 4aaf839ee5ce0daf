// The benchmark's statistics, tables, plots, report and calibration.
#include "runner/bench/accuracy_report.h"

#include <cmath>
#include <cstdio>

#include "chem/spectrum_svg.h"
#include "chem/text_lines.h"
#include "queue/atomic_file.h"
#include "runner/bench/scatter_svg.h"

namespace qmnmr::bench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kNuclei[] = {"1H", "13C"};
constexpr Counting kCountings[] = {Counting::per_atom, Counting::equivalent};

std::string fmt(double v, int digits) { return chem::fixed_digits(v, digits); }

int digits_for(const std::string& nucleus) { return nucleus == "1H" ? 3 : 2; }

// "0.124 / 0.163" (MAE / RMSD), or "-" without figures.
std::string mae_rmsd(const json& stats, int digits) {
  if (!stats.is_object() || stats.value("n", 0) == 0) return "-";
  return fmt(stats["mae"], digits) + " / " + fmt(stats["rmsd"], digits);
}

std::string max_error(const json& stats, int digits) {
  if (!stats.is_object() || stats.value("n", 0) == 0) return "-";
  const auto& m = stats["max_abs_error"];
  return fmt(m["ppm"], digits) + " (" + m["compound"].get<std::string>() + " " +
         m["atom"].get<std::string>() + ")";
}

constexpr const char* kColumns[] = {
    "nucleus", "atoms counted", "n", "preset conversion MAE / RMSD",
    "fitted line: slope, intercept", "in-sample MAE / RMSD",
    "cross-validated MAE / RMSD (leave one compound out)", "largest cross-validated error"};

// One row per nucleus and counting, the cells of kColumns (Markdown and HTML alike).
std::vector<std::vector<std::string>> table_rows(const json& doc) {
  std::vector<std::vector<std::string>> rows;
  for (const char* nucleus : kNuclei) {
    if (!doc["statistics"].contains(nucleus)) continue;
    const int d = digits_for(nucleus);
    for (Counting counting : kCountings) {
      const auto& st = doc["statistics"][nucleus][counting_name(counting)];
      rows.push_back(
          {nucleus, counting == Counting::per_atom ? "each atom" : "equivalent atoms averaged",
           std::to_string(st["direct"].value("n", 0)), mae_rmsd(st["direct"], d),
           st.contains("fit")
               ? fmt(st["fit"]["slope"], 4) + ", " + fmt(st["fit"]["intercept"], 3)
               : "-",
           mae_rmsd(st.value("in_sample", json()), d),
           mae_rmsd(st.value("cross_validated", json()), d),
           max_error(st.value("cross_validated", json()), d)});
    }
  }
  return rows;
}

}  // namespace

AccuracySummary accuracy_summary(const std::vector<CompoundObservations>& compounds) {
  AccuracySummary out;
  for (const auto& c : compounds)
    for (const auto& a : c.atoms) out.atoms.push_back(a);
  for (const char* nucleus : kNuclei) {
    for (Counting counting : kCountings) {
      std::vector<Observation> obs;
      for (const auto& c : compounds) {
        auto n = c.by_nucleus.find(nucleus);
        if (n == c.by_nucleus.end()) continue;
        auto k = n->second.find(counting);
        if (k != n->second.end()) obs.insert(obs.end(), k->second.begin(), k->second.end());
      }
      auto a = assess(obs);
      json j = to_json(a);
      j["points"] = json::array();
      for (size_t i = 0; i < obs.size(); ++i) {
        json p{{"compound", obs[i].compound}, {"name", obs[i].compound_name},
               {"atom", obs[i].atom},         {"shielding", obs[i].shielding},
               {"predicted", obs[i].predicted}, {"experimental", obs[i].experimental}};
        p["cv_predicted"] = std::isnan(a.cv_predicted[i]) ? json() : json(a.cv_predicted[i]);
        j["points"].push_back(p);
      }
      out.statistics[nucleus][counting_name(counting)] = j;
    }
  }
  return out;
}

std::string accuracy_markdown(const json& doc) {
  const auto& m = doc.at("method");
  std::string s = "Accuracy of " + m.value("level", "") + " (preset " + m.value("preset", "") +
                  ", solvent " + m.value("solvent", "") + ") against experiment; " +
                  m.value("geometry", "") + ". Errors in ppm, MAE / RMSD.\n\n";
  const auto rows = table_rows(doc);
  for (size_t i = 0; i < std::size(kColumns); ++i) s += std::string("| ") + kColumns[i] + " ";
  s += "|\n";
  for (size_t i = 0; i < std::size(kColumns); ++i) s += "|---";
  s += "|\n";
  for (const auto& row : rows) {
    for (const auto& cell : row) s += "| " + cell + " ";
    s += "|\n";
  }
  std::string outliers;
  for (const char* nucleus : kNuclei) {
    if (!doc["statistics"].contains(nucleus)) continue;
    const auto& st = doc["statistics"][nucleus]["equivalent_averaged"];
    for (const auto& o : st.value("outliers", json::array()))
      outliers += std::string("- ") + nucleus + " " + o["compound"].get<std::string>() + " (" +
                  o["name"].get<std::string>() + ") " + o["atom"].get<std::string>() +
                  ": fitted minus experimental " + fmt(o["residual"], digits_for(nucleus)) +
                  " ppm (beyond 3 standard deviations of the residuals " +
                  fmt(st["residual_sd"], digits_for(nucleus)) + "; kept in every figure)\n";
  }
  s += "\nOutliers (equivalent atoms averaged):" +
       (outliers.empty() ? std::string(" none\n") : "\n" + outliers);
  std::string failed;
  for (const auto& c : doc.at("compounds"))
    if (c.value("state", "") != "complete")
      failed += "- " + c.value("id", "") + " (" + c.value("name", "") + "): " +
                c.value("state", "") +
                (c.contains("error") ? ": " + c["error"].get<std::string>() : "") + "\n";
  if (!failed.empty()) s += "\nNot counted:\n" + failed;
  return s;
}

namespace {

ScatterPlot prediction_plot(const json& st, const std::string& nucleus) {
  ScatterPlot p;
  p.title = nucleus + ": predicted against experimental (equivalent atoms averaged)";
  p.x_label = "experimental " + nucleus + " shift / ppm";
  p.y_label = "predicted " + nucleus + " shift / ppm";
  p.square = true;
  ScatterSeries direct{"preset conversion", "#888888", {}};
  ScatterSeries cv{"fitted line, cross-validated", "#1f5fbf", {}};
  const int d = digits_for(nucleus);
  for (const auto& pt : st["points"]) {
    std::string who = pt["compound"].get<std::string>() + " " + pt["name"].get<std::string>() + " " +
                      pt["atom"].get<std::string>() + ": experimental " +
                      fmt(pt["experimental"], d);
    direct.points.push_back({pt["experimental"], pt["predicted"],
                             who + ", predicted " + fmt(pt["predicted"], d)});
    if (!pt["cv_predicted"].is_null())
      cv.points.push_back({pt["experimental"], pt["cv_predicted"],
                           who + ", cross-validated " + fmt(pt["cv_predicted"], d)});
  }
  p.series = {direct, cv};
  p.lines.push_back({"predicted = experimental", "#222222", 1, 0, true});
  // The least-squares line through the preset's predictions shows their systematic error.
  std::vector<double> x, y;
  for (const auto& pt : direct.points) {
    x.push_back(pt.x);
    y.push_back(pt.y);
  }
  try {
    auto f = fit_line(x, y);
    p.lines.push_back({"least squares of the preset's predictions (slope " + fmt(f.slope, 3) + ")",
                       "#c0392b", f.slope, f.intercept, false});
  } catch (const std::invalid_argument&) {
  }
  return p;
}

ScatterPlot residual_plot(const json& st, const std::string& nucleus) {
  ScatterPlot p;
  p.title = nucleus + ": cross-validated error against experimental shift";
  p.x_label = "experimental " + nucleus + " shift / ppm";
  p.y_label = "predicted - experimental / ppm";
  ScatterSeries cv{"fitted line, cross-validated", "#1f5fbf", {}};
  const int d = digits_for(nucleus);
  for (const auto& pt : st["points"]) {
    if (pt["cv_predicted"].is_null()) continue;
    double r = pt["cv_predicted"].get<double>() - pt["experimental"].get<double>();
    cv.points.push_back({pt["experimental"], r,
                         pt["compound"].get<std::string>() + " " + pt["name"].get<std::string>() +
                             " " + pt["atom"].get<std::string>() + ": " + fmt(r, d) + " ppm"});
  }
  p.series = {cv};
  p.lines.push_back({"zero", "#222222", 0, 0, true});
  if (st.contains("residual_sd")) {
    double sd3 = 3 * st["residual_sd"].get<double>();
    p.lines.push_back({"3 standard deviations of the fit's residuals", "#c0392b", 0, sd3, true});
    p.lines.push_back({"", "#c0392b", 0, -sd3, true});
  }
  return p;
}

std::string html_escape(const std::string& s) { return chem::xml_escape(s); }

// The Markdown table rows as an HTML table (the report reads the same figures).
std::string html_table(const json& doc) {
  std::string h = "<table><tr>";
  for (const char* c : kColumns) h += std::string("<th>") + c + "</th>";
  h += "</tr>\n";
  for (const auto& row : table_rows(doc)) {
    h += "<tr>";
    for (const auto& cell : row) h += "<td>" + html_escape(cell) + "</td>";
    h += "</tr>\n";
  }
  return h + "</table>\n";
}

// Per compound: name, the cross-validated MAE of each nucleus (equivalent atoms averaged).
std::string html_compounds(const json& doc) {
  std::string h = "<table><tr><th>compound</th><th>name</th><th>state</th><th>time</th>"
                  "<th>1H MAE (cv)</th><th>13C MAE (cv)</th></tr>\n";
  for (const auto& c : doc["compounds"]) {
    const std::string id = c.value("id", "");
    h += "<tr><td>" + html_escape(id) + "</td><td>" + html_escape(c.value("name", "")) +
         "</td><td>" + html_escape(c.value("state", "")) +
         (c.contains("error") ? ": " + html_escape(c["error"].get<std::string>()) : "") +
         "</td><td>" + fmt(c.value("seconds", 0.0), 0) + " s</td>";
    for (const char* nucleus : kNuclei) {
      const json* st = doc["statistics"].contains(nucleus)
                           ? &doc["statistics"][nucleus]["equivalent_averaged"]
                           : nullptr;
      std::string v = "-";
      if (st && st->contains("cross_validated") &&
          (*st)["cross_validated"].contains("compound_mae") &&
          (*st)["cross_validated"]["compound_mae"].contains(id))
        v = fmt((*st)["cross_validated"]["compound_mae"][id], digits_for(nucleus));
      h += "<td>" + v + "</td>";
    }
    h += "</tr>\n";
  }
  return h + "</table>\n";
}

std::string strip_xml_header(const std::string& svg) {
  auto p = svg.find("<svg");
  return p == std::string::npos ? svg : svg.substr(p);
}

}  // namespace

void write_accuracy_outputs(const fs::path& dir, const json& doc) {
  queue::write_file_atomic(dir / "bench.json", doc.dump(1) + "\n");
  std::string csv = "compound,name,index,atom,element,shielding,equivalent_shielding,predicted,"
                    "experimental,error\n";
  for (const auto& a : doc.at("atoms"))
    csv += a["compound"].get<std::string>() + "," + chem::csv_field(a["name"].get<std::string>()) +
           "," + std::to_string(a["index"].get<int>()) + "," + a["atom"].get<std::string>() + "," +
           a["element"].get<std::string>() + "," + fmt(a["shielding"], 6) + "," +
           fmt(a["equivalent_shielding"], 6) + "," + fmt(a["predicted"], 6) + "," +
           fmt(a["experimental"], 3) + "," + fmt(a["error"], 6) + "\n";
  queue::write_file_atomic(dir / "bench_atoms.csv", csv);
  const std::string md = accuracy_markdown(doc);
  queue::write_file_atomic(dir / "bench.md", md);
  std::string figures;
  for (const char* nucleus : kNuclei) {
    if (!doc["statistics"].contains(nucleus)) continue;
    const auto& st = doc["statistics"][nucleus]["equivalent_averaged"];
    auto plot = scatter_svg(prediction_plot(st, nucleus));
    auto residuals = scatter_svg(residual_plot(st, nucleus));
    queue::write_file_atomic(dir / ("plot_" + std::string(nucleus) + ".svg"), plot);
    queue::write_file_atomic(dir / ("residuals_" + std::string(nucleus) + ".svg"), residuals);
    figures += "<div class=\"figs\">" + strip_xml_header(plot) + strip_xml_header(residuals) +
               "</div>\n";
  }
  const auto& m = doc["method"];
  std::string outliers_md;  // reuse the Markdown list lines as plain text
  {
    auto pos = md.find("\nOutliers");
    if (pos != std::string::npos) outliers_md = md.substr(pos + 1);
  }
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>qmnmr bench "
      "accuracy: " + html_escape(m.value("preset", "")) + "</title>\n<style>body{font-family:"
      "sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0}"
      "td,th{border:1px solid #bbb;padding:3px 8px;text-align:left}th{background:#eee}"
      ".figs{display:flex;flex-wrap:wrap;gap:1em}pre{white-space:pre-wrap}</style></head><body>\n"
      "<h1>qmnmr bench accuracy</h1>\n<p>" + html_escape(m.value("level", "")) + " (preset " +
      html_escape(m.value("preset", "")) + "), solvent " + html_escape(m.value("solvent", "")) +
      "; " + html_escape(m.value("geometry", "")) + "; calibration: " +
      html_escape(m.value("calibration", json("none")).is_string()
                      ? m["calibration"].get<std::string>() : std::string("none")) +
      ".<br>Set: " + html_escape(doc["set"].value("path", "")) + " (" +
      html_escape(doc["set"].value("source", "")) + "; " +
      html_escape(doc["set"].value("conditions", "")) + ").</p>\n"
      "<p>Errors in ppm. <b>In-sample</b>: the line fitted on every compound of the set, "
      "measured on the same compounds. <b>Cross-validated</b>: each compound predicted by the "
      "line fitted without it. Outliers beyond 3 standard deviations are listed, never "
      "dropped.</p>\n" + html_table(doc) + figures + "<pre>" + html_escape(outliers_md) +
      "</pre>\n<h2>Compounds</h2>\n" + html_compounds(doc) + "</body></html>\n";
  queue::write_file_atomic(dir / "report.html", html);
}

chem::Calibration calibration_from_bench(const json& doc, const std::string& name) {
  chem::Calibration c;
  c.name = name;
  const auto& m = doc.at("method");
  c.preset = m.value("preset", "");
  c.level = m.value("level", "");
  c.solvent = m.value("solvent", "");
  c.geometry = m.value("geometry", "");
  c.set = doc["set"].value("path", "") +
          (doc["set"].value("source", "").empty() ? "" : " (" + doc["set"].value("source", "") + ")");
  for (const auto& row : doc.at("compounds"))
    if (row.value("state", "") == "complete") ++c.compounds;
  for (const char* nucleus : kNuclei) {
    if (!doc["statistics"].contains(nucleus)) continue;
    const auto& st = doc["statistics"][nucleus]["equivalent_averaged"];
    if (!st.contains("fit") || st["cross_validated"].value("n", 0) == 0) continue;
    chem::CalibrationLine l;
    l.slope = st["fit"]["slope"];
    l.intercept = st["fit"]["intercept"];
    l.n = st["fit"]["n"];
    l.cv_mae = st["cross_validated"]["mae"];
    l.cv_rmsd = st["cross_validated"]["rmsd"];
    l.in_sample_mae = st["in_sample"]["mae"];
    l.in_sample_rmsd = st["in_sample"]["rmsd"];
    c.nuclei[nucleus] = l;
  }
  if (c.nuclei.empty())
    throw std::invalid_argument(
        "no calibration can be fitted: it needs, per nucleus, shifts of at least two compounds "
        "(run more compounds)");
  return c;
}

}  // namespace qmnmr::bench
