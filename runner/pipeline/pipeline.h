// The job pipeline's driver: prepare -> conformers -> xtb -> dft_opt ->
// dft_filter -> shielding -> average -> report (the table in
// stage_context.h), each stage in its own scratch folder. A stage that
// finishes leaves scratch/<stage>/done.json holding the ensemble as it stands,
// so a rerun into the same job folder resumes after the last finished stage
// (and inside dft_opt/shielding, after the last finished conformer).
#pragma once
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "chem/geometry.h"
#include "chem/molecule.h"
#include "runner/pipeline/job_paths.h"
#include "runner/pipeline/job_request.h"
#include "runner/pipeline/request_molecule.h"
#include "runner/pipeline/status_file.h"
#include "runner/pipeline/tool_runner.h"

namespace qmnmr::runner {

struct PipelineHooks {
  // A stage finished (the queue records it as the job's last stage).
  std::function<void(const std::string& stage)> stage_done;
  // The stage now running (the heartbeat reports it).
  std::function<void(const std::string& stage)> stage_started;
};

enum class PipelineResult { complete, failed, interrupted };

// The stages, in order, with their labels.
const std::vector<std::pair<std::string, std::string>>& pipeline_stages();

// The last stage with a done-record under `paths`, or "" when none.
std::string last_finished_stage(const JobPaths& paths);

// After the DFT optimisation: conformers that collapsed onto the same minimum
// as a lower-energy one (symmetry-aware RMSD below 0.125 Angstrom, and as a
// second test energies within 0.6 kcal/mol: NWChem's grid and COSMO surface
// gave two copies of one minimum 0.39 kcal/mol apart), as position in
// `geometries` -> position of the conformer it collapsed onto, ascending.
// They leave the ensemble before the energy window and the Boltzmann weights.
std::map<size_t, size_t> collapsed_conformers(const chem::Molecule& molecule,
                                              const std::vector<chem::Geometry>& geometries,
                                              const std::vector<double>& energies_hartree);

// Runs (or resumes) one job. Errors of the job become status.json `failed`
// with error_message and PipelineResult::failed; a stop request becomes
// PipelineResult::interrupted with the finished stages kept. `cache_dir`
// holds the TMS references shared by jobs (<data>/reference).
PipelineResult run_pipeline(const JobRequest& request, const JobPaths& paths, StatusFile& status,
                            ToolRunner& tools, const std::filesystem::path& cache_dir,
                            const PipelineHooks& hooks = {});

}  // namespace qmnmr::runner
