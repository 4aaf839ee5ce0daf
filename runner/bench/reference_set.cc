// Reading and choosing from a benchmark set in the DELTA50 layout.
#include "runner/bench/reference_set.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "chem/shift_conversion.h"
#include "chem/text_lines.h"
#include "queue/json_limits.h"

namespace qmnmr::bench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::invalid_argument("cannot read " + p.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The element symbols of an XYZ text, in order.
std::vector<std::string> xyz_symbols(const std::string& text, const fs::path& file) {
  auto lines = chem::split_lines(text);
  int count = 0;
  auto first = lines.empty() ? std::vector<std::string>{} : chem::split_fields(lines[0]);
  if (first.size() != 1 || std::from_chars(first[0].data(), first[0].data() + first[0].size(),
                                           count).ec != std::errc() || count <= 0)
    throw std::invalid_argument(file.string() + ": the first line is not an atom count");
  if (lines.size() < static_cast<size_t>(count) + 2)
    throw std::invalid_argument(file.string() + ": has fewer atom lines than its count");
  std::vector<std::string> symbols;
  for (size_t i = 2; i < static_cast<size_t>(count) + 2; ++i) {
    auto fields = chem::split_fields(lines[i]);
    if (fields.size() < 4) throw std::invalid_argument(file.string() + ": line " +
                                                       std::to_string(i + 1) + " is not an atom");
    symbols.push_back(fields[0]);
  }
  return symbols;
}

std::map<int, double> assignments(const json& compound, const char* key, const std::string& id,
                                  const std::vector<std::string>& symbols, const char* element) {
  std::map<int, double> out;
  if (!compound.contains(key)) return out;
  if (!compound[key].is_object())
    throw std::invalid_argument("experimental_shifts.json: " + id + "." + key +
                                " must map atom numbers to shifts");
  for (const auto& [index_text, shift] : compound[key].items()) {
    int index = 0;
    auto [end, ec] = std::from_chars(index_text.data(), index_text.data() + index_text.size(), index);
    if (ec != std::errc() || end != index_text.data() + index_text.size() || index < 1 ||
        index > static_cast<int>(symbols.size()))
      throw std::invalid_argument("experimental_shifts.json: " + id + "." + key + " names atom '" +
                                  index_text + "', which " + id + ".xyz does not have (atoms 1-" +
                                  std::to_string(symbols.size()) + ")");
    if (symbols[static_cast<size_t>(index - 1)] != element)
      throw std::invalid_argument("experimental_shifts.json: " + id + "." + key + " assigns atom " +
                                  index_text + ", which is " + symbols[static_cast<size_t>(index - 1)] +
                                  " in " + id + ".xyz, not " + element);
    if (!shift.is_number())
      throw std::invalid_argument("experimental_shifts.json: " + id + "." + key + "." +
                                  index_text + " is not a number");
    out[index] = shift.get<double>();
  }
  return out;
}

}  // namespace

ReferenceSet read_reference_set(const fs::path& root) {
  ReferenceSet set;
  set.root = fs::absolute(root);
  const auto shifts_file = set.root / "experimental_shifts.json";
  const auto molecules = set.root / "molecules";
  if (!fs::is_regular_file(shifts_file) || !fs::is_directory(molecules))
    throw std::invalid_argument(
        root.string() + " is not a benchmark set: it needs molecules/compound_NN.xyz and "
        "experimental_shifts.json (the DELTA50 layout)");
  json doc;
  try {
    doc = queue::read_json_file(shifts_file);
  } catch (const queue::JsonLimitError& e) {
    throw std::invalid_argument(e.what());
  } catch (const json::exception& e) {
    throw std::invalid_argument(shifts_file.string() + " is not valid JSON: " + e.what());
  }
  if (doc.contains("source") && doc["source"].is_object()) {
    set.source = doc["source"].value("paper", std::string());
    // DELTA50's own file names another first author ("Grimblat et al."):
    // the set is cited as its paper, known by its DOI, cites itself.
    if (doc["source"].value("doi", std::string()) == chem::kDelta50Doi)
      set.source = std::string(chem::kDelta50Citation);
    set.conditions = doc["source"].value("conditions", std::string());
  }
  if (!doc.contains("molecules") || !doc["molecules"].is_object())
    throw std::invalid_argument(shifts_file.string() + " has no \"molecules\" object");
  for (const auto& [id, compound] : doc["molecules"].items()) {
    ReferenceCompound c;
    c.id = id;
    c.number = compound.value("compound_number", 0);
    if (c.number <= 0 && id.rfind("compound_", 0) == 0) c.number = std::atoi(id.c_str() + 9);
    if (c.number <= 0)
      throw std::invalid_argument(shifts_file.string() + ": " + id +
                                  " has no compound_number and is not named compound_NN");
    c.name = compound.value("name", id);
    const auto xyz_file = molecules / (id + ".xyz");
    if (!fs::is_regular_file(xyz_file))
      throw std::invalid_argument("the set lists " + id + " but " + xyz_file.string() +
                                  " does not exist");
    c.xyz = read_all(xyz_file);
    auto symbols = xyz_symbols(c.xyz, xyz_file);
    c.h1 = assignments(compound, "h1_assignments", id, symbols, "H");
    c.c13 = assignments(compound, "c13_assignments", id, symbols, "C");
    if (c.h1.empty() && c.c13.empty())
      throw std::invalid_argument(shifts_file.string() + ": " + id +
                                  " has no h1_assignments or c13_assignments");
    set.compounds.push_back(std::move(c));
  }
  if (set.compounds.empty()) throw std::invalid_argument(shifts_file.string() + " lists no compound");
  std::sort(set.compounds.begin(), set.compounds.end(),
            [](const auto& a, const auto& b) { return a.number < b.number; });
  return set;
}

std::vector<ReferenceCompound> choose_compounds(const ReferenceSet& set,
                                                const std::vector<int>& numbers,
                                                std::optional<int> limit) {
  if (!numbers.empty()) {
    std::vector<ReferenceCompound> out;
    for (int n : numbers) {
      auto it = std::find_if(set.compounds.begin(), set.compounds.end(),
                             [n](const auto& c) { return c.number == n; });
      if (it == set.compounds.end())
        throw std::invalid_argument("--compounds names compound " + std::to_string(n) +
                                    ", which the set does not have (it has " +
                                    std::to_string(set.compounds.front().number) + "-" +
                                    std::to_string(set.compounds.back().number) + ")");
      if (std::none_of(out.begin(), out.end(), [n](const auto& c) { return c.number == n; }))
        out.push_back(*it);
    }
    return out;
  }
  if (limit) {
    if (*limit < 1) throw std::invalid_argument("--limit must be at least 1");
    return {set.compounds.begin(),
            set.compounds.begin() + std::min<long>(*limit, static_cast<long>(set.compounds.size()))};
  }
  return set.compounds;
}

std::vector<int> parse_number_list(const std::string& text, const std::string& option) {
  std::vector<int> out;
  auto bad = [&] {
    return std::invalid_argument(option + " '" + text +
                                 "' is not a list of whole numbers; write e.g. 1,5,9 or 1-4");
  };
  std::string compact;
  for (char ch : text)
    if (ch != ' ' && ch != '\t') compact += ch;
  std::stringstream ss(compact);
  std::string part;
  while (std::getline(ss, part, ',')) {
    int a = 0, b = 0;
    auto dash = part.find('-');
    auto parse = [&](std::string_view s, int& v) {
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || end != s.data() + s.size() || v < 1) throw bad();
    };
    if (dash == std::string::npos) {
      parse(part, a);
      b = a;
    } else {
      parse(std::string_view(part).substr(0, dash), a);
      parse(std::string_view(part).substr(dash + 1), b);
      if (b < a) throw bad();
    }
    for (int v = a; v <= b; ++v) out.push_back(v);
  }
  if (out.empty()) throw bad();
  return out;
}

}  // namespace qmnmr::bench
