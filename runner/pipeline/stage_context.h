// StageContext: everything a pipeline stage reads and changes - the typed job
// spec, the job's folders and status, the tool runner, the molecule and the
// ensemble - and the stage table: the stages in order, each a function over
// the context. One file per stage implements them (stage_*.cc).
#pragma once
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

#include "chem/basis_library.h"
#include "chem/molecule.h"
#include "runner/pipeline/ensemble.h"
#include "runner/pipeline/job_paths.h"
#include "runner/pipeline/job_spec.h"
#include "runner/pipeline/status_file.h"
#include "runner/pipeline/tool_runner.h"

namespace qmnmr::runner {

struct StageContext {
  const JobSpec& spec;
  const JobPaths& paths;
  StatusFile& status;
  ToolRunner& tools;
  std::filesystem::path cache_dir;  // TMS references shared by jobs
  chem::Molecule molecule;
  Ensemble ensemble;
  std::shared_ptr<spdlog::logger> log;
  chem::BasisChoice geometry_basis;   // per element, for the molecule (chem::choose_basis)
  chem::BasisChoice shielding_basis;
  // A preset whose 1H has a shielding level of its own: that level's choice.
  std::optional<chem::BasisChoice> h1_shielding_basis;
  // Held while a run in a packed slot changes the ensemble, the status or a
  // record; never while a program runs.
  std::mutex mutex;

  const chem::Preset& preset() const { return spec.preset; }
  const chem::Solvent& solvent() const { return *spec.solvent; }
  // The basis choice of one of the preset's levels (geometry or a shielding).
  const chem::BasisChoice& basis_for(const chem::Level& level) const;
  // Saves the ensemble into status.json (a client follows the conformers).
  void publish_ensemble();
};

struct Stage {
  std::string_view name;
  std::string_view label;
  void (*run)(StageContext&);
};

// prepare, conformers, xtb, dft_opt, dft_filter, shielding, average, report.
std::span<const Stage> stage_table();

void stage_prepare(StageContext& ctx);
void stage_conformers(StageContext& ctx);
void stage_xtb(StageContext& ctx);
void stage_dft_opt(StageContext& ctx);
void stage_dft_filter(StageContext& ctx);
void stage_shielding(StageContext& ctx);
void stage_average(StageContext& ctx);
void stage_report(StageContext& ctx);

// Small shared helpers.
std::string read_text(const std::filesystem::path& path);
std::string level_label(const chem::Level& level);  // "b3lyp/6-31G*"

}  // namespace qmnmr::runner
