// submit_page, status_page, results_page and error_page.
#include "runner/api/web_pages.h"

#include <cstdio>

#include "chem/presets.h"
#include "chem/solvents.h"
#include "chem/spectrum_svg.h"

namespace qmnmr::api {
namespace {

using nlohmann::json;

constexpr const char* kStyle = R"(<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h1 a{color:inherit;text-decoration:none}h2{font-size:1.15rem;margin-top:1.5rem}
label{display:block;margin:.6rem 0 .2rem;font-weight:600}
input,select{font-size:1rem;padding:.3rem;min-width:18rem}
button{font-size:1rem;padding:.4rem 1.2rem;margin-top:1rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}
th{background:#f3f3f3}.num{text-align:right;font-variant-numeric:tabular-nums}
.error{background:#fde8e8;border:1px solid #e0a0a0;padding:.6rem;margin:.8rem 0}
.state{font-weight:700}.muted{color:#666}.spectrum{max-width:100%;border:1px solid #ddd;margin:.4rem 0}
.row{display:flex;gap:2rem;flex-wrap:wrap}
</style>)";

std::string head(const std::string& title, const std::string& extra = "") {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" + html_escape(title) + " - qmnmr</title>" + kStyle + extra +
         "</head><body><h1><a href=\"/\">qmnmr</a> <span class=\"muted\">NMR shifts from "
         "quantum chemistry</span></h1>\n";
}

constexpr const char* kTail = "</body></html>\n";

std::string text_of(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string option(const std::string& value, const std::string& label, const std::string& chosen) {
  return "<option value=\"" + html_escape(value) + "\"" + (value == chosen ? " selected" : "") +
         ">" + html_escape(label) + "</option>";
}

std::string value_of(const std::map<std::string, std::string>& m, const std::string& key,
                     const std::string& fallback = "") {
  auto it = m.find(key);
  return it == m.end() ? fallback : it->second;
}

std::string steps_table(const json& view) {
  std::string out = "<table id=\"steps\"><tr><th>step</th><th class=\"num\">seconds</th></tr>";
  for (const auto& s : view.value("steps_completed", json::array()))
    out += "<tr><td>" + html_escape(text_of(s, "label")) + "</td><td class=\"num\">" +
           fixed(s.value("duration_seconds", 0.0), 1) + "</td></tr>";
  const std::string running = text_of(view, "current_step_label");
  if (!running.empty())
    out += "<tr><td>" + html_escape(running) + " &hellip;</td><td class=\"num\">running</td></tr>";
  return out + "</table>";
}

std::string conformer_table(const json& view) {
  const json& progress = view.value("conformer_progress", json());
  if (!progress.is_array() || progress.empty()) return "<table id=\"conformers\"></table>";
  std::string out = "<table id=\"conformers\"><tr><th>conformer</th><th>status</th><th "
                    "class=\"num\">energy (kcal/mol)</th><th class=\"num\">population</th></tr>";
  for (const auto& c : progress) {
    out += "<tr><td>" + html_escape(text_of(c, "conformer_id")) + "</td><td>" +
           html_escape(text_of(c, "status")) + "</td><td class=\"num\">" +
           (c["energy_kcal"].is_number() ? fixed(c["energy_kcal"].get<double>(), 2) : "") +
           "</td><td class=\"num\">" +
           (c["population"].is_number() ? fixed(c["population"].get<double>(), 3) : "") +
           "</td></tr>";
  }
  return out + "</table>";
}

std::string shift_table(const json& rows, const char* title, const char* id) {
  std::string out = std::string("<h2>") + title + "</h2><table id=\"" + id +
                    "\"><tr><th>atom</th><th class=\"num\">shift (ppm)</th><th "
                    "class=\"num\">shielding</th><th class=\"num\">&plusmn; (ppm)</th></tr>";
  for (const auto& r : rows) {
    out += "<tr><td>" + html_escape(text_of(r, "atom_label").empty() ? text_of(r, "atom")
                                                                       : text_of(r, "atom_label")) +
           "</td><td class=\"num\">" + fixed(r.value("shift", 0.0), 2) + "</td><td class=\"num\">" +
           (r.contains("shielding") && r["shielding"].is_number()
                ? fixed(r["shielding"].get<double>(), 3)
                : "") +
           "</td><td class=\"num\">" +
           (r.contains("uncertainty_ppm") && r["uncertainty_ppm"].is_number()
                ? fixed(r["uncertainty_ppm"].get<double>(), 2)
                : "") +
           "</td></tr>";
  }
  return out + "</table>";
}

std::string job_title(const json& view) {
  const std::string name = text_of(view, "input_name");
  const std::string smiles = text_of(view, "input_smiles");
  return name.empty() ? smiles : name + " (" + smiles + ")";
}

// Follows the job from the API while the page is open; without JavaScript the
// <noscript> refresh does the same a page at a time.
constexpr const char* kStatusScript = R"(<script>
(function(){
  var id=document.body.getAttribute('data-job');
  function esc(s){return String(s==null?'':s).replace(/[&<>"']/g,function(c){return '&#'+c.charCodeAt(0)+';';});}
  function draw(j){
    document.getElementById('state').textContent=j.status;
    var rows='<tr><th>step</th><th class="num">seconds</th></tr>';
    (j.steps_completed||[]).forEach(function(s){rows+='<tr><td>'+esc(s.label)+'</td><td class="num">'+Number(s.duration_seconds).toFixed(1)+'</td></tr>';});
    if(j.current_step_label){rows+='<tr><td>'+esc(j.current_step_label)+' &hellip;</td><td class="num">running</td></tr>';}
    document.getElementById('steps').innerHTML=rows;
    var c='';
    if(j.conformer_progress&&j.conformer_progress.length){
      c='<tr><th>conformer</th><th>status</th><th class="num">energy (kcal/mol)</th><th class="num">population</th></tr>';
      j.conformer_progress.forEach(function(p){c+='<tr><td>'+esc(p.conformer_id)+'</td><td>'+esc(p.status)+'</td><td class="num">'+(p.energy_kcal==null?'':Number(p.energy_kcal).toFixed(2))+'</td><td class="num">'+(p.population==null?'':Number(p.population).toFixed(3))+'</td></tr>';});
    }
    document.getElementById('conformers').innerHTML=c;
    var e=document.getElementById('error');
    e.textContent=j.error_message||'';e.style.display=j.error_message?'block':'none';
  }
  function poll(){
    fetch('/api/v1/jobs/'+encodeURIComponent(id),{cache:'no-store'}).then(function(r){return r.json();}).then(function(j){
      draw(j);
      if(j.status==='complete'){window.location.href='/results/'+encodeURIComponent(id);return;}
      if(j.status==='failed'||j.status==='cancelled'){return;}
      setTimeout(poll,2000);
    }).catch(function(){setTimeout(poll,4000);});
  }
  setTimeout(poll,1000);
})();
</script>)";

}  // namespace

std::string html_escape(const std::string& text) { return chem::xml_escape(text); }

std::string submit_page(const SubmitPage& page) {
  const auto& v = page.values;
  std::string out = head("submit");
  if (!page.error.empty())
    out += "<div class=\"error\" id=\"error\"><strong>Not submitted" +
           (page.error_field.empty() ? std::string() : " (" + html_escape(page.error_field) + ")") +
           ":</strong> " + html_escape(page.error) + "</div>";
  out += "<form method=\"post\" action=\"/submit\" enctype=\"multipart/form-data\">"
         "<label for=\"smiles\">SMILES</label><input id=\"smiles\" name=\"smiles\" value=\"" +
         html_escape(value_of(v, "smiles")) + "\" placeholder=\"CCO\">"
         "<label for=\"file\">or a molecule file (MOL, SDF or XYZ)</label>"
         "<input id=\"file\" name=\"file\" type=\"file\" accept=\".mol,.sdf,.xyz\">"
         "<label for=\"name\">name (optional)</label><input id=\"name\" name=\"name\" "
         "maxlength=\"100\" value=\"" + html_escape(value_of(v, "name")) + "\">"
         "<label for=\"solvent\">solvent</label><select id=\"solvent\" name=\"solvent\">";
  for (const auto& s : chem::all_solvents())
    out += option(std::string(s.key),
                  std::string(s.key) + (s.nmr_name.empty() ? " (gas phase)" : " (" + std::string(s.nmr_name) + ")"),
                  value_of(v, "solvent", "chcl3"));
  out += "</select><label for=\"preset\">level</label><select id=\"preset\" name=\"preset\">";
  for (const auto& p : chem::all_presets())
    out += option(std::string(p.name), std::string(p.name) + ": " + p.level_label() + " (" +
                                           std::string(p.use) +
                                           (p.figures.empty() ? "" : "; " + p.figures) + ")",
                  value_of(v, "preset", "production"));
  out += "</select><label for=\"conformer_mode\">conformers</label>"
         "<select id=\"conformer_mode\" name=\"conformer_mode\">" +
         option("single", "single conformer", value_of(v, "conformer_mode", "ensemble")) +
         option("ensemble", "Boltzmann-weighted ensemble", value_of(v, "conformer_mode", "ensemble")) +
         "</select><label for=\"conformer_method\">conformer search (ensemble)</label>"
         "<select id=\"conformer_method\" name=\"conformer_method\">" +
         option("rdkit_kdg", "RDKit ETKDG + xTB", value_of(v, "conformer_method", "rdkit_kdg")) +
         option("crest", "CREST", value_of(v, "conformer_method", "rdkit_kdg")) +
         "</select><label for=\"max_conformers\">most conformers to DFT</label>"
         "<input id=\"max_conformers\" name=\"max_conformers\" type=\"number\" min=\"1\" "
         "max=\"500\" value=\"" + html_escape(value_of(v, "max_conformers", "8")) + "\">";
  if (page.token_required)
    out += "<label for=\"token\">API token</label><input id=\"token\" name=\"token\" "
           "type=\"password\" autocomplete=\"off\">";
  out += "<br><button type=\"submit\" id=\"submit\">Submit</button></form>";
  if (!page.recent_jobs.empty()) {
    out += "<h2>Recent jobs</h2><table id=\"jobs\"><tr><th>job</th><th>molecule</th><th>status</th>"
           "<th>submitted</th></tr>";
    for (const auto& j : page.recent_jobs) {
      const std::string id = text_of(j, "job_id");
      const std::string state = text_of(j, "status");
      const std::string link = state == "complete" ? "/results/" : "/status/";
      out += "<tr><td><a href=\"" + link + html_escape(id) + "\">" + html_escape(id) +
             "</a></td><td>" + html_escape(text_of(j, "input_name").empty()
                                               ? text_of(j, "input_smiles")
                                               : text_of(j, "input_name")) +
             "</td><td>" + html_escape(state) + "</td><td>" + html_escape(text_of(j, "created_at")) +
             "</td></tr>";
    }
    out += "</table>";
  }
  out += "<p class=\"muted\">The same jobs through the API: <code>POST /api/v1/jobs</code>, "
         "<code>GET /api/v1/jobs/{id}</code>, <code>GET /api/v1/jobs/{id}/results</code>.</p>";
  return out + kTail;
}

std::string status_page(const json& view) {
  const std::string id = text_of(view, "job_id");
  const std::string state = text_of(view, "status");
  const bool running = state == "queued" || state == "running";
  std::string extra;
  if (running) extra = "<noscript><meta http-equiv=\"refresh\" content=\"5\"></noscript>";
  std::string out = head("job " + id, extra);
  out.replace(out.find("<body>"), 6, "<body data-job=\"" + html_escape(id) + "\">");
  out += "<h2>Job " + html_escape(id) + "</h2><p>" + html_escape(job_title(view)) + " &middot; " +
         html_escape(text_of(view, "preset")) + " &middot; " + html_escape(text_of(view, "solvent")) +
         " &middot; conformers: " + html_escape(text_of(view, "conformers")) + "</p>"
         "<p>status: <span class=\"state\" id=\"state\">" + html_escape(state) + "</span></p>";
  const std::string error = text_of(view, "error_message");
  out += "<div class=\"error\" id=\"error\"" + std::string(error.empty() ? " style=\"display:none\"" : "") +
         ">" + html_escape(error) + "</div>";
  out += "<h2>Stages</h2>" + steps_table(view) + "<h2>Conformers</h2>" + conformer_table(view);
  if (state == "complete")
    out += "<p><a id=\"results\" href=\"/results/" + html_escape(id) + "\">Results</a></p>";
  else if (running)
    out += "<p class=\"muted\">This page follows the job; the results page opens when it is "
           "complete.</p>" + std::string(kStatusScript);
  return out + kTail;
}

std::string results_page(const json& view) {
  const std::string id = text_of(view, "job_id");
  const json& r = view.value("nmr_results", json());
  std::string out = head("results " + id);
  out += "<h2>Results of job " + html_escape(id) + "</h2><p>" + html_escape(job_title(view)) + "</p>";
  if (!r.is_object()) return out + "<p>No results.</p>" + kTail;
  const json& method = view.value("method", json());
  out += "<p>" + html_escape(text_of(method, "level")) + " &middot; solvent " +
         html_escape(text_of(r, "solvent")) + " &middot; shifts by " +
         html_escape(text_of(r, "scaling_factor_source")) +
         (r["h1_expected_mae"].is_string()
              ? " &middot; expected MAE 1H " + html_escape(r["h1_expected_mae"].get<std::string>())
              : std::string()) +
         (r["c13_expected_mae"].is_string()
              ? ", 13C " + html_escape(r["c13_expected_mae"].get<std::string>())
              : std::string()) +
         "</p>";
  for (const auto& w : view.value("warnings", json::array()))
    if (w.is_string()) out += "<div class=\"error\">" + html_escape(w.get<std::string>()) + "</div>";
  const std::string base = "/api/v1/jobs/" + html_escape(id);
  out += "<div class=\"row\"><div>" + shift_table(r.value("h1_shifts", json::array()), "1H shifts", "h1") +
         "</div><div>" + shift_table(r.value("c13_shifts", json::array()), "13C shifts", "c13") +
         "</div></div>";
  out += "<h2>Spectra</h2><img class=\"spectrum\" id=\"spectrum-1h\" alt=\"predicted 1H spectrum\" src=\"" +
         base + "/spectrum/1h.svg\"><img class=\"spectrum\" id=\"spectrum-13c\" alt=\"predicted 13C "
         "spectrum\" src=\"" + base + "/spectrum/13c.svg\">";
  out += "<h2>Downloads</h2><ul id=\"downloads\">"
         "<li><a href=\"" + base + "/nmredata.sdf\">NMReDATA (SDF)</a></li>"
         "<li><a href=\"" + base + "/shifts.csv\">shifts (CSV)</a></li>"
         "<li><a href=\"" + base + "/geometry\">optimised geometry (XYZ)</a></li>"
         "<li><a href=\"" + base + "/geometry.sdf\">optimised geometry (SDF)</a></li>"
         "<li><a href=\"" + base + "/output\">all outputs (ZIP)</a></li>"
         "<li><a href=\"" + base + "\">status (JSON)</a></li></ul>";
  out += "<p><a href=\"/status/" + html_escape(id) + "\">stages and conformers</a> &middot; "
         "<a href=\"/\">submit another</a></p>";
  return out + kTail;
}

std::string error_page(const std::string& title, const std::string& detail) {
  return head(title) + "<h2>" + html_escape(title) + "</h2><p>" + html_escape(detail) +
         "</p><p><a href=\"/\">back</a></p>" + kTail;
}

}  // namespace qmnmr::api
