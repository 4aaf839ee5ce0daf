// One NWChem calculation of a stage, run to a usable result when a retry can
// get there (an optimisation starts from xTB's Hessian of its start geometry,
// initial_hessian.h): NWChem's output is parsed whatever the exit code, the
// failure is classified (chem::NwchemFailure) and acted on by class - an
// optimisation out of steps continues from its last geometry, an SCF that did
// not converge is retried with damping and a level shift, a memory failure
// with fewer ranks and more memory each, an MPI failure on one rank. What a
// retry cannot fix (scratch, basis, input) fails the job at once, with
// NWChem's own line, the fix and the log.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chem/nwchem_input.h"
#include "chem/nwchem_output.h"
#include "runner/pipeline/stage_context.h"

namespace qmnmr::runner {

struct NwchemResult {
  chem::NwchemOutput output;                // the last attempt's output
  int optimisation_steps = 0;               // over every attempt
  nlohmann::json attempts = nlohmann::json::array();  // one record per run
  std::optional<ConformerFailure> failure;  // set when no attempt gave a usable result
  // The NWChem version the last attempt's output (or the cached run) named; ""
  // when it named none.
  std::string nwchem_version;
  bool ok() const { return !failure; }
};

// Runs `input` in `dir` (logs/<log_name>.out, then <log_name>_retryN.out).
// `what` names the calculation in messages ("optimisation of conformer 3").
// `ranks` caps the ranks (a packed slot's share). Safe from several slots at
// once: it takes ctx.mutex for the status it updates.
// Throws ToolError for failures every conformer would share (scratch, basis,
// input rejected) and JobInterrupted on a stop request.
NwchemResult run_nwchem_recovering(StageContext& ctx, const std::string& log_name,
                                   const std::filesystem::path& dir, chem::NwchemInput input,
                                   const std::string& stage, const std::string& what,
                                   std::optional<int> ranks = std::nullopt);

// One conformer's calculation in a stage (an optimisation in dft_opt, a
// shielding in shielding), from a packed slot: the conformer is read under
// ctx.mutex, the run goes in scratch/<stage>/conf_NNN with logs
// nwchem_opt_conf_NNN / nwchem_shielding_conf_NNN.
struct ConformerRun {
  NwchemResult result;
  std::filesystem::path dir;  // where the record goes
};
// `level`: the shielding level to run (one of the preset's shielding_runs());
// nullptr = the preset's task level. A 1H level of its own runs in
// scratch/shielding/conf_NNN_1h with logs nwchem_shielding_1h_conf_NNN.
ConformerRun run_conformer(StageContext& ctx, const Conformer& conformer, chem::NwchemTask task,
                           int ranks, const chem::Level* level = nullptr);

// The input for `task` at `level` (nullptr: the preset's geometry level for an
// optimisation, its main shielding level for a shielding) for the job's
// molecule, with absolute scratch and permanent folders under `dir`.
chem::NwchemInput nwchem_input_for(const StageContext& ctx, const chem::Molecule& molecule,
                                   const chem::Geometry& geometry, chem::NwchemTask task,
                                   const std::filesystem::path& dir,
                                   const chem::Level* level = nullptr);

// A shielding at the optimisation's basis starts its SCF from the
// optimisation's converged orbitals (<opt_dir>/perm/<start>.movecs, the final
// geometry's), when that file is there; otherwise, or at another basis, from
// NWChem's guess. Measured (propan-1-ol, draft, 2 ranks): SCF 7 -> 2
// iterations, 30.1 s -> 26.5 s, shieldings within 0.0014 ppm (1H) and 0.0099
// ppm (13C) of a cold start (the SCF's own convergence threshold). Projected
// onto another basis (production) it saved one iteration and no time (78.5 s
// vs 74.9 s for ethanol), so it is not done there.
void start_from_optimisation(const StageContext& ctx, chem::NwchemInput& input,
                             const std::filesystem::path& opt_dir, const chem::Level& level);

}  // namespace qmnmr::runner
