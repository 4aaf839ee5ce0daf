// Bad input to `qmnmr run`: each gets a clear `qmnmr: error:` naming the
// problem before any program starts, and none crashes. A --name holding
// newlines and NWChem directives never reaches an input file unescaped.
#include <algorithm>

#include <gtest/gtest.h>

#include "runner/run_itest_util.h"

namespace qmnmr::testing {
namespace {
namespace fs = std::filesystem;

struct BadCase {
  const char* label;
  std::vector<std::string> args;  // added to run --out DIR (--preset test --conformers single)
  std::vector<std::string> message_parts;  // each must appear in stderr (lower-cased)
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.label; }

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class RunBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(RunBadInput, FailsWithAClearErrorBeforeAnyProgramStarts) {
  const auto& c = GetParam();
  TempDir tmp(std::string("bad_") + c.label);
  auto job = tmp.path() / "job";
  std::vector<std::string> args{"run", "--out", job.string(), "--ranks", "1"};
  args.insert(args.end(), c.args.begin(), c.args.end());
  auto given = [&](const std::string& flag) {
    return std::find(c.args.begin(), c.args.end(), flag) != c.args.end();
  };
  if (!given("--preset")) args.insert(args.end(), {"--preset", "test"});
  if (!given("--conformers")) args.insert(args.end(), {"--conformers", "single"});
  auto r = run_qmnmr(args, tmp.path(), {{"QMNMR_TEST_TAG", "bad"}});
  EXPECT_NE(r.exit_code, 0) << explain(r);
  EXPECT_LT(r.exit_code, 128) << "killed by a signal: " << explain(r);
  EXPECT_NE(r.err.find("qmnmr: error:"), std::string::npos) << explain(r);
  for (const auto& part : c.message_parts)
    EXPECT_NE(lower(r.err).find(part), std::string::npos) << "'" << part << "' not in\n" << r.err;
  // No program ran: no tool output, no optimisation folder.
  EXPECT_TRUE(files_matching(job / "logs", R"(.*\.(out|err))").empty());
  EXPECT_FALSE(fs::exists(job / "scratch" / "dft_opt"));
  EXPECT_FALSE(fs::exists(job / "scratch" / "conformers"));
  if (fs::exists(job / "status.json")) {
    auto status = read_json(job / "status.json");
    EXPECT_EQ(status.at("status"), "failed");
    EXPECT_FALSE(status.at("error_message").get<std::string>().empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RunBadInput,
    ::testing::Values(
        BadCase{"invalid_smiles", {"--smiles", "C1CC(("}, {"smiles"}},
        BadCase{"element_outside_basis", {"--smiles", "[Pu]"}, {"pu", "basis"}},
        BadCase{"empty_smiles", {"--smiles", ""}, {"empty"}},
        BadCase{"only_spaces", {"--smiles", "   "}, {"empty"}},
        BadCase{"unknown_solvent", {"--smiles", "C", "--solvent", "benzine"}, {"benzine"}},
        BadCase{"negative_multiplicity", {"--smiles", "C", "--multiplicity", "-1"},
                {"multiplicity"}},
        BadCase{"zero_multiplicity", {"--smiles", "C", "--multiplicity", "0"}, {"multiplicity"}},
        BadCase{"wrong_multiplicity", {"--smiles", "C", "--multiplicity", "2"},
                {"multiplicity"}},
        BadCase{"unknown_preset", {"--smiles", "C", "--preset", "ultra"}, {"ultra"}},
        BadCase{"unknown_conformer_mode", {"--smiles", "C", "--conformers", "many"}, {"many"}}),
    [](const auto& info) { return std::string(info.param.label); });

// A name with newlines, an NWChem `task shell` directive and markup: the run
// either refuses it or completes with only our own directives in every input.
TEST(RunBadName, NwchemDirectivesInTheNameNeverReachAnInput) {
  TempDir tmp("bad_name");
  auto job = tmp.path() / "job";
  std::string name = "water\ntask shell touch " + (tmp.path() / "pwned").string() +
                     "; task shell touch x\nend\n</svg><b>&amp; \"quoted\"";
  auto r = run_qmnmr({"run", "--smiles", "O", "--name", name, "--out", job.string(), "--preset",
                      "test", "--conformers", "single", "--ranks", "1"},
                     tmp.path(), {{"QMNMR_TEST_TAG", "bad_name"}});
  EXPECT_LT(r.exit_code, 128) << explain(r);
  EXPECT_FALSE(fs::exists(tmp.path() / "pwned")) << "a task shell line from --name ran";
  if (r.exit_code != 0) {
    EXPECT_NE(r.err.find("qmnmr: error:"), std::string::npos) << explain(r);
    EXPECT_NE(lower(r.err).find("name"), std::string::npos) << explain(r);
    EXPECT_TRUE(files_matching(job / "logs", R"(.*\.out)").empty());
    return;
  }
  // Completed: every NWChem input holds exactly the task line we wrote.
  int inputs = 0;
  for (const auto& e : fs::recursive_directory_iterator(job / "scratch")) {
    if (e.path().filename() != "nwchem.nw") continue;
    if (e.path().string().find("/tms/") == std::string::npos) ++inputs;  // not the TMS reference
    auto text = slurp(e.path());
    // NWChem reads a directive per line (or per ';'): only ours may start one.
    std::vector<std::string> tasks, titles;
    for (const auto& line : lines_with(text, "")) {
      auto first = line.find_first_not_of(" \t");
      if (first == std::string::npos) continue;
      if (line.compare(first, 4, "task") == 0) tasks.push_back(line);
      if (line.compare(first, 5, "title") == 0) titles.push_back(line);
    }
    ASSERT_EQ(tasks.size(), 1u) << e.path() << ":\n" << text;
    EXPECT_TRUE(tasks[0] == "task dft optimize" || tasks[0] == "task dft property") << tasks[0];
    ASSERT_EQ(titles.size(), 1u) << text;
    // The title is one quoted string: no inner quote, no ';' to start a directive.
    const auto& title = titles[0];
    EXPECT_EQ(std::count(title.begin(), title.end(), '"'), 2) << title;
    EXPECT_EQ(title.back(), '"') << title;
    EXPECT_EQ(text.find(';'), std::string::npos) << text;
    EXPECT_EQ(lines_with(text, "shell").size(), title.find("shell") == std::string::npos ? 0u : 1u)
        << "'shell' outside the title line:\n" << text;
  }
  EXPECT_EQ(inputs, 2);
  // The name is kept as data: JSON-escaped, one SDF title line, escaped SVG.
  auto results = read_json(job / "output" / "results.json");
  EXPECT_EQ(results.at("molecule").at("name"), name);
  auto sdf = slurp(job / "output" / "nmredata.sdf");
  // The name's newlines must not split it over several SDF lines.
  for (const auto& line : lines_with(sdf, "task shell"))
    EXPECT_NE(line.find("water"), std::string::npos) << "a line of the name became an SDF line:\n"
                                                     << sdf;
  for (const auto* svg : {"spectrum_1H.svg", "spectrum_13C.svg"}) {
    if (!fs::exists(job / "output" / svg)) continue;
    auto text = slurp(job / "output" / svg);
    EXPECT_EQ(text.find("</svg><b>"), std::string::npos) << svg << " holds the raw name";
  }
}

}  // namespace
}  // namespace qmnmr::testing
