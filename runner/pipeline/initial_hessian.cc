// write_initial_hessian: xtb --hess, then the .hess file NWChem's driver reads.
#include "runner/pipeline/initial_hessian.h"

#include "chem/cartesian_hessian.h"
#include "chem/error.h"
#include "chem/geometry.h"
#include "chem/xtb.h"
#include "queue/atomic_file.h"
#include "runner/pipeline/program_text.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;

bool write_initial_hessian(StageContext& ctx, const std::string& log_name, const fs::path& dir,
                           const chem::NwchemInput& input) {
  const fs::path target = input.permanent_dir / (input.start_name + ".hess");
  fs::remove(target);  // never a Hessian of another geometry
  const fs::path work = dir / "xtb_hessian";
  fs::create_directories(work);
  fs::remove(work / "hessian");
  queue::write_file_atomic(work / "start.xyz", chem::to_xyz(input.geometry, "start"));
  auto argv = chem::xtb_argv("start.xyz", ctx.solvent(), input.charge, input.multiplicity - 1,
                             chem::XtbTask::hessian);
  std::string why;
  std::filesystem::path log;
  try {
    auto run = ctx.tools.run("xtb_hessian_" + log_name, argv, work, ctx.tools.openmp_environment());
    log = run.stdout_path;
    if (!run.ok()) {
      auto parsed = chem::parse_xtb_output(read_text(run.stdout_path), read_text(run.stderr_path));
      std::string said = !parsed.xtb_line.empty() ? parsed.xtb_line : program_said(run);
      why = run.outcome.describe() + (said.empty() ? "" : " (xtb: " + said + ")");
    } else if (!fs::exists(work / "hessian")) {
      why = "xtb wrote no hessian file";
    } else {
      auto hessian =
          chem::parse_xtb_hessian(read_text(work / "hessian"), input.geometry.atoms.size());
      queue::write_file_atomic(target, chem::nwchem_hessian_text(hessian));
      return true;
    }
  } catch (const ToolError& e) {  // xtb could not start: a single-conformer job still can
    why = e.what();
  } catch (const chem::ChemError& e) {
    why = e.what();
  }
  ctx.log->warn("{}: no xTB Hessian for the optimiser ({}{}); it starts from NWChem's diagonal "
                "guess, which takes more steps",
                log_name, why, log.empty() ? "" : "; log: " + log.string());
  return false;
}

}  // namespace qmnmr::runner
