// optimise_with_xtb: one GFN2-xTB optimisation in its folder, read back.
#include "runner/pipeline/xtb_optimisation.h"

#include "queue/atomic_file.h"
#include "runner/pipeline/program_text.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;

std::string XtbOptimisation::why() const {
  return result.error ? *result.error
         : !run.ok()  ? run.outcome.describe()
                      : std::string("no energy or no xtbopt.xyz");
}

std::string XtbOptimisation::said() const {
  return !result.xtb_line.empty() ? result.xtb_line : program_said(run);
}

XtbOptimisation optimise_with_xtb(StageContext& ctx, const chem::Geometry& geometry,
                                  const fs::path& dir, const std::string& xyz_name,
                                  const std::string& log_name, int charge, int unpaired) {
  fs::create_directories(dir);
  fs::remove(dir / "xtbopt.xyz");  // never read a previous attempt's geometry
  queue::write_file_atomic(dir / xyz_name, chem::to_xyz(geometry, "conformer"));
  XtbOptimisation o;
  o.run = ctx.tools.run(log_name, chem::xtb_argv(xyz_name, ctx.solvent(), charge, unpaired), dir,
                        ctx.tools.openmp_environment());
  o.result = chem::parse_xtb_output(read_text(o.run.stdout_path), read_text(o.run.stderr_path));
  if (o.run.ok() && !o.result.error && o.result.total_energy && fs::exists(dir / "xtbopt.xyz"))
    o.minimum = chem::parse_xyz(read_text(dir / "xtbopt.xyz"));
  return o;
}

}  // namespace qmnmr::runner
