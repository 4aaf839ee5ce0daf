// `--stereoisomers all`: a molecule whose unspecified stereo leaves several
// diastereomers (or E/Z isomers) is computed as one job holding every
// stereoisomer - each enantiomer pair once - as its own ensemble and shift set
// in stereoisomers/isomer_N/ (a complete job folder), summarised in the job's
// own results.json and status.json.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "chem/molecule.h"
#include "runner/pipeline/job_spec.h"
#include "runner/pipeline/pipeline.h"
#include "runner/pipeline/request_molecule.h"

namespace qmnmr::runner {

// kMaxStereoisomers and stereoisomers_to_run: runner/pipeline/request_molecule.h.

// Runs (or resumes) each isomer through run_pipeline and writes the summary.
PipelineResult run_stereoisomers(const JobRequest& request,
                                 const std::vector<std::string>& isomers, const JobPaths& paths,
                                 StatusFile& status, ToolRunner& tools,
                                 const std::filesystem::path& cache_dir,
                                 const PipelineHooks& hooks);

}  // namespace qmnmr::runner
