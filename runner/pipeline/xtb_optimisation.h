// One GFN2-xTB optimisation (ALPB in the job's solvent) of a geometry in its
// own folder, read back: what the xTB stage does for each conformer and the
// TMS reference does for TMS when the shieldings are on xTB minima.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "chem/geometry.h"
#include "chem/xtb.h"
#include "runner/pipeline/stage_context.h"

namespace qmnmr::runner {

struct XtbOptimisation {
  ToolRun run;
  chem::XtbResult result;
  std::optional<chem::Geometry> minimum;  // xtbopt.xyz, when the run is usable

  bool ok() const { return run.ok() && !result.error && result.total_energy && minimum; }
  // Why it is unusable: xtb's error, the process outcome, or the missing output.
  std::string why() const;
  // What xtb said about it: its error line, else the run's last words.
  std::string said() const;
};

// Writes `geometry` to <dir>/<xyz_name>, runs xtb there (log `log_name`) with
// the molecule's charge and unpaired electrons, and reads xtbopt.xyz (never a
// previous attempt's).
XtbOptimisation optimise_with_xtb(StageContext& ctx, const chem::Geometry& geometry,
                                  const std::filesystem::path& dir, const std::string& xyz_name,
                                  const std::string& log_name, int charge, int unpaired);

}  // namespace qmnmr::runner
