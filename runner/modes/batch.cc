// Batch files (CSV, .smi) into entries, entries into job folders through
// run_pipeline, and job folders back into one table.
#include "runner/modes/batch.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "chem/text_lines.h"
#include "container/signals.h"
#include "queue/atomic_file.h"
#include "queue/job_status.h"
#include "queue/json_limits.h"
#include "runner/modes/app.h"
#include "runner/modes/job_folder.h"
#include "runner/modes/logging.h"
#include "runner/pipeline/pipeline.h"
#include "runner/pipeline/status_file.h"
#include "runner/pipeline/tool_runner.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Lines without their terminators (\n, \r\n); a UTF-8 BOM is dropped.
std::vector<std::string_view> split_lines(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (end == text.size() && line.empty()) break;
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

bool skip_line(std::string_view line) {
  auto t = trim(line);
  return t.empty() || t[0] == '#';
}

// One CSV line into fields; "quoted" fields with "" for a quote. Throws
// std::invalid_argument on an unterminated quote.
std::vector<std::string> split_csv(std::string_view line) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && trim(field).empty()) {
      quoted = was_quoted = true;
      field.clear();
    } else if (c == ',') {
      fields.push_back(was_quoted ? field : trim(field));
      field.clear();
      was_quoted = false;
    } else {
      field += c;
    }
  }
  if (quoted) throw std::invalid_argument("a quoted field has no closing '\"'; close the quote");
  fields.push_back(was_quoted ? field : trim(field));
  return fields;
}

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 64 || id[0] == '.') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

std::optional<int> parse_int(const std::string& text, const char* column, int min_value,
                             const char* example) {
  if (text.empty()) return std::nullopt;
  int v = 0;
  const char* b = text.data();
  const char* e = b + text.size();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || v < min_value)
    throw std::invalid_argument(std::string(column) + " '" + text + "' is not a whole number" +
                                (min_value > -1000 ? " >= " + std::to_string(min_value) : "") +
                                "; write e.g. " + example + " or leave it empty");
  return v;
}

const std::vector<std::string>& csv_columns() {
  static const std::vector<std::string> c{"id", "smiles", "name", "charge", "multiplicity",
                                          "solvent"};
  return c;
}

std::string pad4(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", n);
  return buf;
}

}  // namespace

std::vector<BatchEntry> parse_batch_csv(std::string_view text) {
  std::vector<BatchEntry> entries;
  std::vector<std::string> columns = csv_columns();
  bool header_seen = false, first = true;
  std::map<std::string, int> id_lines;
  auto lines = split_lines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    const int line_no = static_cast<int>(i) + 1;
    if (skip_line(lines[i])) continue;
    std::vector<std::string> fields;
    std::string split_error;
    try {
      fields = split_csv(lines[i]);
    } catch (const std::invalid_argument& e) {
      split_error = e.what();
    }
    const bool looks_like_header =
        split_error.empty() &&
        (lower(fields[0]) == "id" ||
         std::any_of(fields.begin(), fields.end(), [](auto& f) { return lower(f) == "smiles"; }));
    if (first && looks_like_header) {
      first = false;
      header_seen = true;
      columns.clear();
      std::set<std::string> seen;
      for (auto& f : fields) {
        auto name = lower(f);
        if (std::find(csv_columns().begin(), csv_columns().end(), name) == csv_columns().end())
          throw std::invalid_argument("header column '" + f + "' (line " +
                                      std::to_string(line_no) +
                                      ") is unknown; use id,smiles,name,charge,multiplicity,"
                                      "solvent");
        if (!seen.insert(name).second)
          throw std::invalid_argument("header column '" + f + "' appears twice; name it once");
        columns.push_back(name);
      }
      if (!seen.count("smiles"))
        throw std::invalid_argument("the header has no smiles column; add one (id,smiles,...)");
      continue;
    }
    first = false;
    BatchEntry e;
    e.number = static_cast<int>(entries.size()) + 1;
    e.line = line_no;
    try {
      if (!split_error.empty()) throw std::invalid_argument(split_error);
      if (fields.size() > columns.size())
        throw std::invalid_argument(
            std::to_string(fields.size()) + " fields but " + std::to_string(columns.size()) +
            " columns (" + (header_seen ? "from the header" : "id,smiles,name,charge,"
                                                              "multiplicity,solvent") +
            "); quote a field that holds a comma");
      std::map<std::string, std::string> v;
      for (size_t c = 0; c < fields.size(); ++c) v[columns[c]] = fields[c];
      e.id = v["id"];
      e.smiles = v["smiles"];
      e.name = v["name"];
      if (!valid_id(e.id))
        throw std::invalid_argument(
            "id '" + e.id +
            "' is not usable as a folder name; use 1-64 letters, digits, '.', '_' or '-'");
      if (auto [it, fresh] = id_lines.emplace(e.id, line_no); !fresh)
        throw std::invalid_argument("id '" + e.id + "' already used on line " +
                                    std::to_string(it->second) + "; give every entry its own id");
      if (e.smiles.empty())
        throw std::invalid_argument("the smiles field is empty; put the molecule's SMILES in "
                                    "the second column");
      e.charge = parse_int(v["charge"], "charge", -1000000, "0 or -1");
      e.multiplicity = parse_int(v["multiplicity"], "multiplicity", 1, "1 or 2");
      if (!v["solvent"].empty()) e.solvent = v["solvent"];
    } catch (const std::invalid_argument& ex) {
      e.error = "line " + std::to_string(line_no) + ": " + ex.what();
      if (!valid_id(e.id) || id_lines[e.id] != line_no) e.id = "line_" + std::to_string(line_no);
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

std::vector<BatchEntry> parse_batch_smi(std::string_view text) {
  std::vector<BatchEntry> entries;
  auto lines = split_lines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (skip_line(lines[i])) continue;
    BatchEntry e;
    e.number = static_cast<int>(entries.size()) + 1;
    e.line = static_cast<int>(i) + 1;
    e.id = "mol_" + pad4(e.number);
    auto t = trim(lines[i]);
    auto ws = t.find_first_of(" \t");
    e.smiles = t.substr(0, ws);
    if (ws != std::string::npos) e.name = trim(std::string_view(t).substr(ws));
    entries.push_back(std::move(e));
  }
  return entries;
}

std::vector<BatchEntry> read_batch_file(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    throw std::invalid_argument("batch file '" + file.string() +
                                "' does not exist or is not a file; give a CSV or .smi file");
  auto ext = lower(file.extension().string());
  auto text = queue::read_file(file);
  auto entries = (ext == ".smi" || ext == ".smiles") ? parse_batch_smi(text)
                                                       : parse_batch_csv(text);
  if (entries.empty())
    throw std::invalid_argument("batch file '" + file.string() +
                                "' holds no entry; write one molecule per line (id,smiles)");
  return entries;
}

std::vector<int> select_entries(int entry_count, bool all, std::optional<int> task,
                                const std::map<std::string, std::string>& env) {
  if (all) {
    std::vector<int> v(static_cast<size_t>(entry_count));
    for (int i = 0; i < entry_count; ++i) v[static_cast<size_t>(i)] = i + 1;
    return v;
  }
  std::string origin = "--task";
  if (!task) {
    auto it = env.find("SLURM_ARRAY_TASK_ID");
    if (it == env.end() || it->second.empty())
      throw std::invalid_argument(
          "no entry chosen: give --task N or --all, or run inside a SLURM array job "
          "(sbatch --array=1-" + std::to_string(entry_count) + ")");
    origin = "SLURM_ARRAY_TASK_ID";
    int v = 0;
    auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc() || p != it->second.data() + it->second.size())
      throw std::invalid_argument("SLURM_ARRAY_TASK_ID='" + it->second +
                                  "' is not a whole number; submit with --array=1-N");
    task = v;
  }
  if (*task < 1 || *task > entry_count)
    throw std::invalid_argument(origin + " " + std::to_string(*task) + " is outside 1.." +
                                std::to_string(entry_count) + " (the file has " +
                                std::to_string(entry_count) +
                                " entries); submit with --array=1-" + std::to_string(entry_count));
  return {*task};
}

JobRequest entry_request(const BatchEntry& entry, const BatchOptions& options,
                         const Config& config) {
  JobRequest r;
  r.molecule.format = chem::MoleculeInput::Format::smiles;
  r.molecule.text = entry.smiles;
  r.molecule.name = entry.name.empty() ? entry.id : entry.name;
  r.molecule.charge = entry.charge;
  r.molecule.multiplicity = entry.multiplicity;
  r.solvent = entry.solvent.value_or(options.solvent.value_or(config.solvent.value));
  r.preset = options.preset.value_or(config.preset.value);
  r.conformers = options.conformers.value_or(config.conformers.value);
  r.max_conformers = options.max_conformers.value_or(config.max_conformers.value);
  r.calibration = options.calibration;
  check_request_settings(r);
  return r;
}

namespace {

FolderOutcome run_entry(const BatchEntry& entry, const BatchOptions& options,
                        const Config& config, const ResourcePlan& plan, std::string& message) {
  JobPaths paths{options.out_dir / entry.id};
  json source{{"batch_file", fs::absolute(options.file).string()},
              {"entry", entry.number},
              {"line", entry.line}};
  if (!entry.error.empty()) {
    message = entry.error;
    fail_folder(paths, {{"batch_entry", source}}, message);
    return FolderOutcome::failed;
  }
  JobRequest request;
  try {
    request = entry_request(entry, options, config);
  } catch (const std::exception& e) {
    message = "line " + std::to_string(entry.line) + ": " + e.what();
    fail_folder(paths, {{"smiles", entry.smiles}, {"batch_entry", source}}, message);
    return FolderOutcome::failed;
  }
  auto outcome = run_in_folder(request, paths, config, plan, {{"batch_entry", source}}, message);
  if (outcome == FolderOutcome::failed) message = "line " + std::to_string(entry.line) + ": " + message;
  return outcome;
}

}  // namespace

int cmd_batch(const Config& config, const BatchOptions& options) {
  auto entries = read_batch_file(options.file);
  auto chosen = select_entries(static_cast<int>(entries.size()), options.all, options.task,
                               environment_map());
  // Settings shared by all entries are checked once, before any entry runs.
  {
    BatchEntry probe;
    probe.smiles = "C";
    entry_request(probe, options, config);
  }
  auto env = environment_map();
  auto plan = plan_for(config, env);
  plan.require_runnable();
  fs::create_directories(options.out_dir);
  json list = json::array();
  for (const auto& e : entries)
    list.push_back({{"entry", e.number}, {"line", e.line}, {"id", e.id}, {"smiles", e.smiles},
                    {"name", e.name}, {"error", e.error}});
  queue::write_file_atomic(options.out_dir / "batch.json",
                           json{{"batch_file", fs::absolute(options.file).string()},
                                {"entries", list}}
                               .dump(1) +
                               "\n");

  container::SignalMonitor signals;
  int failed = 0;
  const int total = static_cast<int>(entries.size());
  for (int n : chosen) {
    if (container::SignalMonitor::stop_requested()) {
      std::fprintf(stderr, "qmnmr batch: interrupted before entry %d; rerun to go on\n", n);
      return kBatchInterrupted;
    }
    const auto& entry = entries[static_cast<size_t>(n - 1)];
    std::string message;
    std::printf("entry %d/%d %s: running\n", n, total, entry.id.c_str());
    std::fflush(stdout);
    FolderOutcome outcome;
    try {
      outcome = run_entry(entry, options, config, plan, message);
    } catch (const std::exception& e) {
      outcome = FolderOutcome::failed;
      message = e.what();
    }
    switch (outcome) {
      case FolderOutcome::complete:
        std::printf("entry %d/%d %s: complete\n", n, total, entry.id.c_str());
        break;
      case FolderOutcome::skipped:
        std::printf("entry %d/%d %s: complete already, skipped\n", n, total, entry.id.c_str());
        break;
      case FolderOutcome::failed:
        ++failed;
        std::printf("entry %d/%d %s: failed\n", n, total, entry.id.c_str());
        std::fprintf(stderr, "qmnmr batch: entry %d (%s) failed: %s\n", n, entry.id.c_str(),
                     message.c_str());
        break;
      case FolderOutcome::interrupted:
        std::printf("entry %d/%d %s: interrupted\n", n, total, entry.id.c_str());
        std::fflush(stdout);
        std::fprintf(stderr,
                     "qmnmr batch: interrupted; finished stages are kept: rerun (or requeue) "
                     "to resume\n");
        return kBatchInterrupted;
    }
    std::fflush(stdout);
  }
  return failed ? kBatchFailed : kBatchOk;
}

// ---- collect ----------------------------------------------------------------------

json collect_entries(const fs::path& out_dir) {
  std::error_code ec;
  if (!fs::is_directory(out_dir, ec))
    throw std::invalid_argument("'" + out_dir.string() +
                                "' is not a folder; give the --out folder of qmnmr batch");
  json manifest;
  if (fs::exists(out_dir / "batch.json"))
    manifest = queue::read_json_file(out_dir / "batch.json");
  // Order: the batch file's entries first, then any other job folder by name.
  std::vector<std::string> ids;
  std::map<std::string, json> listed;
  if (manifest.is_object())
    for (const auto& e : manifest.value("entries", json::array())) {
      auto id = e.value("id", std::string());
      if (listed.emplace(id, e).second) ids.push_back(id);
    }
  std::vector<std::string> others;
  for (const auto& d : fs::directory_iterator(out_dir, ec))
    if (d.is_directory() && fs::exists(d.path() / "status.json") &&
        !listed.count(d.path().filename().string()))
      others.push_back(d.path().filename().string());
  std::sort(others.begin(), others.end());
  ids.insert(ids.end(), others.begin(), others.end());

  json rows = json::array();
  for (const auto& id : ids) {
    json row{{"id", id}, {"name", ""}, {"smiles", ""}, {"state", "pending"}, {"stage", ""},
             {"error", ""}, {"h1_shifts", json::array()}, {"c13_shifts", json::array()}};
    if (auto it = listed.find(id); it != listed.end()) {
      row["entry"] = it->second.value("entry", 0);
      row["name"] = it->second.value("name", std::string());
      row["smiles"] = it->second.value("smiles", std::string());
    }
    auto status_path = out_dir / id / "status.json";
    if (fs::exists(status_path)) {
      json s;
      try {
        s = queue::read_json_file(status_path);
      } catch (const std::exception& e) {
        row["state"] = "unreadable";
        row["error"] = std::string("status.json: ") + e.what();
        rows.push_back(row);
        continue;
      }
      row["state"] = s.value("status", std::string("unknown"));
      const auto& in = s.value("input", json::object());
      if (in.is_object()) {
        if (in.contains("smiles") && in["smiles"].is_string()) row["smiles"] = in["smiles"];
        if (in.contains("name") && in["name"].is_string() && row["name"] == "")
          row["name"] = in["name"];
      }
      if (s.contains("interrupted_at_stage") && row["state"] != "complete")
        row["state"] = "interrupted";
      auto step = s.value("current_step", json());
      if (step.is_string()) row["stage"] = step;
      if (s.contains("failed_stage") && s["failed_stage"].is_string() && row["state"] == "failed")
        row["stage"] = s["failed_stage"];
      auto err = s.value("error_message", json());
      if (err.is_string()) row["error"] = err;
      const auto& r = s.value("nmr_results", json());
      if (r.is_object()) {
        for (const char* key : {"h1_shifts", "c13_shifts"})
          if (r.contains(key) && r[key].is_array()) row[key] = r[key];
      }
    } else if (auto it = listed.find(id); it != listed.end() &&
                                          !it->second.value("error", std::string()).empty()) {
      row["state"] = "pending";
      row["error"] = it->second["error"];
    }
    rows.push_back(row);
  }
  return rows;
}

namespace {

}  // namespace

std::string collect_csv(const json& rows) {
  std::string out = "id,name,state,stage,error,nucleus,index,atom,shift_ppm,uncertainty_ppm\n";
  for (const auto& row : rows) {
    std::string head = chem::csv_field(row.value("id", std::string())) + "," +
                       chem::csv_field(row.value("name", std::string())) + "," +
                       chem::csv_field(row.value("state", std::string())) + "," +
                       chem::csv_field(row.value("stage", std::string())) + "," +
                       chem::csv_field(row.value("error", std::string())) + ",";
    bool any = false;
    for (const auto& [key, nucleus] :
         {std::pair{"h1_shifts", "1H"}, std::pair{"c13_shifts", "13C"}})
      for (const auto& r : row.value(key, json::array())) {
        any = true;
        const auto& u = r.value("uncertainty_ppm", json());
        out += head + nucleus + "," + std::to_string(r.value("index", 0)) + "," +
               chem::csv_field(r.value("atom", std::string())) + "," +
               chem::fixed_digits(r.value("shift", 0.0), 4) + "," +
               (u.is_number() ? chem::fixed_digits(u.get<double>(), 3) : "") +
               "\n";
      }
    if (!any) out += head + ",,,,\n";
  }
  return out;
}

std::string collect_text(const json& rows) {
  std::ostringstream out;
  std::map<std::string, int> counts;
  char line[256];
  std::snprintf(line, sizeof line, "%-20s %-12s %-12s %s\n", "id", "state", "stage", "shifts (ppm)");
  out << line;
  for (const auto& row : rows) {
    auto state = row.value("state", std::string());
    ++counts[state];
    std::string shifts;
    for (const auto& [key, nucleus] :
         {std::pair{"h1_shifts", "1H"}, std::pair{"c13_shifts", "13C"}}) {
      const auto& list = row.value(key, json::array());
      if (list.empty()) continue;
      if (!shifts.empty()) shifts += "; ";
      shifts += std::string(nucleus) + ":";
      for (const auto& r : list) shifts += " " + chem::fixed_digits(r.value("shift", 0.0), 2);
    }
    if (state == "failed" || state == "unreadable") shifts = row.value("error", std::string());
    std::snprintf(line, sizeof line, "%-20s %-12s %-12s ", row.value("id", std::string()).c_str(),
                  state.c_str(), row.value("stage", std::string()).c_str());
    out << line << shifts << "\n";
  }
  out << rows.size() << " entries:";
  bool first = true;
  for (const auto& [state, n] : counts) {
    out << (first ? " " : ", ") << n << " " << state;
    first = false;
  }
  out << "\n";
  return out.str();
}

int cmd_collect(const fs::path& out_dir, bool csv, bool as_json) {
  auto rows = collect_entries(out_dir);
  if (as_json) std::cout << rows.dump(2) << "\n";
  else if (csv) std::cout << collect_csv(rows);
  else std::cout << collect_text(rows);
  return 0;
}

}  // namespace qmnmr::runner
