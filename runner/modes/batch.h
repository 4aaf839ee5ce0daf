// qmnmr batch and qmnmr collect: many molecules from one CSV or .smi file,
// one job folder per entry under an output folder, one entry per SLURM array
// task (or all in turn), and one table of every entry's state and shifts.
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/modes/config.h"
#include "runner/pipeline/job_request.h"
#include "runner/resources/resource_plan.h"

namespace qmnmr::runner {

// One molecule of a batch file. Entries are numbered from 1 in file order;
// blank lines, `#` comments and the CSV header are not entries. A malformed
// line is still an entry (so array task numbers never shift) with `error` set.
struct BatchEntry {
  int number = 0;  // 1-based; the array task id that runs it
  int line = 0;    // 1-based line in the file
  std::string id;  // job folder name under --out
  std::string smiles;
  std::string name;
  std::optional<int> charge, multiplicity;
  std::optional<std::string> solvent;
  std::string error;  // non-empty: malformed, names the problem and the fix
};

// CSV: id,smiles[,name,charge,multiplicity,solvent]. An optional header line
// (first field `id`, or a field `smiles`) may name the columns in any order (id and smiles are
// required). Fields may be "quoted" ("" is a quote). Ids are 1-64 characters
// of A-Z a-z 0-9 . _ - not starting with `.`, unique within the file; a bad
// id gets the folder name line_<line>.
std::vector<BatchEntry> parse_batch_csv(std::string_view text);

// .smi: `SMILES [name...]` per line (whitespace separated); the id is
// mol_<number> padded to 4 digits.
std::vector<BatchEntry> parse_batch_smi(std::string_view text);

// By extension: .smi/.smiles -> parse_batch_smi, anything else CSV. Throws
// std::invalid_argument when the file cannot be read or holds no entry.
std::vector<BatchEntry> read_batch_file(const std::filesystem::path& file);

// Which entries a run takes: --all, --task N, else SLURM_ARRAY_TASK_ID from
// `env`. Returns 1-based entry numbers. Throws std::invalid_argument naming
// the fix when none is chosen or the number is out of range.
std::vector<int> select_entries(int entry_count, bool all, std::optional<int> task,
                                const std::map<std::string, std::string>& env);

// The settings every entry shares (an entry's own solvent wins).
struct BatchOptions {
  std::filesystem::path file;
  std::filesystem::path out_dir;
  bool all = false;
  std::optional<int> task;
  std::optional<std::string> solvent, preset, conformers;
  std::optional<int> max_conformers;
  nlohmann::json calibration;  // a calibration document (read once), or null
};

// The request of one well-formed entry; throws like check_request_settings.
JobRequest entry_request(const BatchEntry& entry, const BatchOptions& options,
                         const Config& config);

// Exit codes of qmnmr batch.
constexpr int kBatchOk = 0;           // every chosen entry is complete
constexpr int kBatchFailed = 1;       // an entry failed (the others went on)
constexpr int kBatchInterrupted = 3;  // stopped by a signal; rerun (requeue) resumes

// Runs the chosen entries into <out>/<id>/: a complete entry with the same
// input is skipped, a half-done one resumes at its stage, a malformed or
// failing one is marked failed with its error and the next one goes on.
// SIGINT/SIGTERM stops the running program, keeps the finished stages and
// returns kBatchInterrupted. Writes <out>/batch.json (the list of entries).
int cmd_batch(const Config& config, const BatchOptions& options);

// One row per job folder under `out_dir` (and per entry of batch.json that
// has none yet: state `pending`): id, name, smiles, state, stage, error and
// the 1H/13C shifts from status.json.
nlohmann::json collect_entries(const std::filesystem::path& out_dir);

// Long CSV: one row per shift (id,name,state,stage,error,nucleus,index,atom,
// shift_ppm,uncertainty_ppm), a single row with empty shift columns for an
// entry that has none.
std::string collect_csv(const nlohmann::json& rows);
// Aligned text: one line per entry with its state and shifts.
std::string collect_text(const nlohmann::json& rows);

// qmnmr collect DIR [--csv|--json]: prints the table; exit 0.
int cmd_collect(const std::filesystem::path& out_dir, bool csv, bool json);

}  // namespace qmnmr::runner
