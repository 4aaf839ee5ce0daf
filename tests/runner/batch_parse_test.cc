// Batch files: CSV and .smi parsing, malformed lines as failed entries that
// keep their number, entry selection (--all, --task, SLURM_ARRAY_TASK_ID),
// the per-entry request, and the collect table over hand-made job folders.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "queue/atomic_file.h"
#include "runner/modes/batch.h"

namespace qmnmr::runner {
namespace {
namespace fs = std::filesystem;

TEST(BatchCsv, PositionalColumnsWithoutHeader) {
  auto e = parse_batch_csv("eth,CCO,ethanol,0,1,dmso\nmet,C\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].number, 1);
  EXPECT_EQ(e[0].line, 1);
  EXPECT_EQ(e[0].id, "eth");
  EXPECT_EQ(e[0].smiles, "CCO");
  EXPECT_EQ(e[0].name, "ethanol");
  EXPECT_EQ(e[0].charge, 0);
  EXPECT_EQ(e[0].multiplicity, 1);
  EXPECT_EQ(e[0].solvent, "dmso");
  EXPECT_TRUE(e[0].error.empty());
  EXPECT_EQ(e[1].id, "met");
  EXPECT_FALSE(e[1].charge.has_value());
  EXPECT_FALSE(e[1].solvent.has_value());
}

TEST(BatchCsv, HeaderNamesColumnsInAnyOrderAndIsNotAnEntry) {
  auto e = parse_batch_csv("SMILES,Id,charge\r\nC[NH3+],ammonium,+1\r\n\r\n# note\nO,w,\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].id, "ammonium");
  EXPECT_EQ(e[0].smiles, "C[NH3+]");
  EXPECT_EQ(e[0].charge, 1);
  EXPECT_EQ(e[0].line, 2);
  EXPECT_EQ(e[1].number, 2);
  EXPECT_EQ(e[1].line, 5);
}

TEST(BatchCsv, QuotedFieldsHoldCommasAndQuotes) {
  auto e = parse_batch_csv("id,smiles,name\na,CC(=O)O,\"acid, \"\"acetic\"\"\"\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_TRUE(e[0].error.empty()) << e[0].error;
  EXPECT_EQ(e[0].name, "acid, \"acetic\"");
}

TEST(BatchCsv, UnknownHeaderColumnIsAnErrorForTheWholeFile) {
  EXPECT_THROW(parse_batch_csv("id,smiles,colour\na,C,red\n"), std::invalid_argument);
  EXPECT_THROW(parse_batch_csv("id,name\na,b\n"), std::invalid_argument);
}

TEST(BatchCsv, MalformedLinesFailAloneAndKeepTheirNumber) {
  auto e = parse_batch_csv(
      "id,smiles,name,charge,multiplicity,solvent\n"
      "good,C,,,,\n"
      "badcharge,CC,,x,,\n"
      "bad id,CCC,,,,\n"
      "good,CO,,,,\n"
      "nosmiles,,,,,\n"
      "toomany,C,a,0,1,chcl3,extra\n"
      "badmult,C,,0,0,\n"
      "\"open,C\n"
      "last,N,,,,\n");
  ASSERT_EQ(e.size(), 9u);
  EXPECT_TRUE(e[0].error.empty());
  EXPECT_EQ(e[1].id, "badcharge");
  EXPECT_NE(e[1].error.find("line 3: charge 'x' is not a whole number"), std::string::npos)
      << e[1].error;
  EXPECT_EQ(e[2].id, "line_4");
  EXPECT_NE(e[2].error.find("id 'bad id' is not usable as a folder name"), std::string::npos);
  EXPECT_EQ(e[3].id, "line_5");
  EXPECT_NE(e[3].error.find("already used on line 2"), std::string::npos) << e[3].error;
  EXPECT_NE(e[4].error.find("smiles field is empty"), std::string::npos);
  EXPECT_NE(e[5].error.find("7 fields but 6 columns"), std::string::npos) << e[5].error;
  EXPECT_NE(e[6].error.find("multiplicity '0'"), std::string::npos) << e[6].error;
  EXPECT_NE(e[7].error.find("closing"), std::string::npos) << e[7].error;
  EXPECT_EQ(e[7].id, "line_9");
  EXPECT_EQ(e[8].number, 9);
  EXPECT_EQ(e[8].id, "last");
  EXPECT_TRUE(e[8].error.empty());
}

TEST(BatchSmi, SmilesAndOptionalNameGivePaddedIds) {
  auto e = parse_batch_smi("CCO ethanol\n\n# skip\nc1ccccc1\tbenzene ring\nC\n");
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].id, "mol_0001");
  EXPECT_EQ(e[0].smiles, "CCO");
  EXPECT_EQ(e[0].name, "ethanol");
  EXPECT_EQ(e[1].id, "mol_0002");
  EXPECT_EQ(e[1].name, "benzene ring");
  EXPECT_EQ(e[1].line, 4);
  EXPECT_EQ(e[2].name, "");
}

TEST(BatchFile, ChoosesTheParserByExtensionAndRefusesEmptyFiles) {
  auto dir = fs::temp_directory_path() / ("qmnmr-batch-file-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  queue::write_file_atomic(dir / "a.smi", "CCO ethanol\n");
  queue::write_file_atomic(dir / "a.csv", "x,CCO\n");
  queue::write_file_atomic(dir / "empty.csv", "id,smiles\n# nothing\n");
  EXPECT_EQ(read_batch_file(dir / "a.smi").at(0).id, "mol_0001");
  EXPECT_EQ(read_batch_file(dir / "a.csv").at(0).id, "x");
  EXPECT_THROW(read_batch_file(dir / "empty.csv"), std::invalid_argument);
  EXPECT_THROW(read_batch_file(dir / "missing.csv"), std::invalid_argument);
  fs::remove_all(dir);
}

TEST(BatchSelect, AllTaskAndSlurmArrayTaskId) {
  EXPECT_EQ(select_entries(3, true, std::nullopt, {}), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(select_entries(3, false, 2, {{"SLURM_ARRAY_TASK_ID", "3"}}), std::vector<int>{2});
  EXPECT_EQ(select_entries(3, false, std::nullopt, {{"SLURM_ARRAY_TASK_ID", "3"}}),
            std::vector<int>{3});
  try {
    select_entries(3, false, std::nullopt, {{"SLURM_ARRAY_TASK_ID", "0"}});
    FAIL() << "task 0 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--array=1-3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(select_entries(3, false, 4, {}), std::invalid_argument);
  EXPECT_THROW(select_entries(3, false, std::nullopt, {}), std::invalid_argument);
  EXPECT_THROW(select_entries(3, false, std::nullopt, {{"SLURM_ARRAY_TASK_ID", "2x"}}),
               std::invalid_argument);
}

TEST(BatchRequest, EntrySolventWinsOverTheOptionAndBadSolventThrows) {
  Config config;
  BatchOptions o;
  o.solvent = "dmso";
  o.preset = "test";
  o.conformers = "single";
  auto entries = parse_batch_csv("a,CCO,,,,water\nb,CC\nc,C,,,,lava\n");
  auto r = entry_request(entries[0], o, config);
  EXPECT_EQ(r.solvent, "water");
  EXPECT_EQ(r.preset, "test");
  EXPECT_EQ(r.molecule.name, "a");  // no name: the id
  EXPECT_EQ(entry_request(entries[1], o, config).solvent, "dmso");
  EXPECT_ANY_THROW(entry_request(entries[2], o, config));
}

TEST(BatchCollect, TableOverJobFolders) {
  auto dir = fs::temp_directory_path() / ("qmnmr-collect-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "done");
  fs::create_directories(dir / "bad");
  fs::create_directories(dir / "stray");
  nlohmann::json manifest{
      {"entries",
       {{{"entry", 1}, {"id", "done"}, {"name", "Ethanol"}, {"smiles", "CCO"}, {"error", ""}},
        {{"entry", 2}, {"id", "bad"}, {"name", ""}, {"smiles", "C"}, {"error", ""}},
        {{"entry", 3}, {"id", "later"}, {"name", ""}, {"smiles", "O"}, {"error", ""}}}}};
  queue::write_file_atomic(dir / "batch.json", manifest.dump());
  nlohmann::json done{
      {"status", "complete"},
      {"current_step", "complete"},
      {"input", {{"smiles", "CCO"}}},
      {"error_message", nullptr},
      {"nmr_results",
       {{"h1_shifts", {{{"index", 4}, {"atom", "H"}, {"shift", 1.234}, {"uncertainty_ppm", 0.2}}}},
        {"c13_shifts", {{{"index", 1}, {"atom", "C"}, {"shift", 57.5}, {"uncertainty_ppm", nullptr}}}}}}};
  queue::write_file_atomic(dir / "done" / "status.json", done.dump());
  queue::write_file_atomic(dir / "bad" / "status.json",
                           nlohmann::json{{"status", "failed"},
                                          {"failed_stage", "prepare"},
                                          {"error_message", "line 3: bad, \"smiles\""}}
                               .dump());
  queue::write_file_atomic(dir / "stray" / "status.json",
                           nlohmann::json{{"status", "running"},
                                          {"current_step", "dft_opt"},
                                          {"interrupted_at_stage", "dft_opt"}}
                               .dump());
  auto rows = collect_entries(dir);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0]["id"], "done");
  EXPECT_EQ(rows[0]["state"], "complete");
  EXPECT_EQ(rows[1]["state"], "failed");
  EXPECT_EQ(rows[1]["stage"], "prepare");
  EXPECT_EQ(rows[2]["id"], "later");
  EXPECT_EQ(rows[2]["state"], "pending");
  EXPECT_EQ(rows[3]["id"], "stray");
  EXPECT_EQ(rows[3]["state"], "interrupted");

  auto csv = collect_csv(rows);
  EXPECT_NE(csv.find("done,Ethanol,complete,complete,,1H,4,H,1.2340,0.200\n"), std::string::npos)
      << csv;
  EXPECT_NE(csv.find("done,Ethanol,complete,complete,,13C,1,C,57.5000,\n"), std::string::npos);
  EXPECT_NE(csv.find("bad,,failed,prepare,\"line 3: bad, \"\"smiles\"\"\",,,,,\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("later,,pending,,,,,,,\n"), std::string::npos);
  auto text = collect_text(rows);
  EXPECT_NE(text.find("1H: 1.23; 13C: 57.50"), std::string::npos) << text;
  EXPECT_NE(text.find("4 entries: 1 complete, 1 failed, 1 interrupted, 1 pending"),
            std::string::npos)
      << text;
  EXPECT_THROW(collect_entries(dir / "nope"), std::invalid_argument);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace qmnmr::runner
