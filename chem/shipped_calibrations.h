// The calibrations shipped with qmnmr: one file per level of theory and
// solvent in chem/calibrations/ (data, written by `qmnmr bench levels` with
// its provenance, built into the program), looked up by the level a nucleus's
// shifts come from. DELTA50 is measured in CDCl3, so a level calibrated there
// serves a job in another solvent too (its COSMO shieldings carry that
// solvent's effect), marked as resting on the chloroform fit.
#pragma once
#include <span>
#include <string>
#include <string_view>

#include "chem/calibration.h"
#include "chem/solvents.h"

namespace qmnmr::chem {

struct EmbeddedFile {
  std::string_view name;  // "pbe0_def2-svp@set-chcl3.json"
  std::string_view text;
};

// Every file of chem/calibrations/, in name order (generated at build time).
std::span<const EmbeddedFile> shipped_calibration_texts();

// The shipped calibrations, parsed once; throws ChemError naming the file when
// one does not parse (a build that ships a broken file fails its tests).
std::span<const Calibration> shipped_calibrations();

struct ShippedLine {
  const Calibration* calibration = nullptr;
  const CalibrationLine* line = nullptr;
  bool other_solvent = false;  // fitted in chcl3, applied to `solvent`
};

// The line for `nucleus` fitted at `level` ("PBE0/def2-SVP//B3LYP/6-31G*",
// compared without regard to case, as NWChem reads basis names)
// in `solvent`, else in chcl3; {} when none is shipped. Vacuum takes only its
// own (gas-phase shieldings against solution shifts are another fit). A line
// fitted on geometries made as a job makes them (re-optimised, or the xTB
// minima for a "//GFN2-xTB" level) wins over one fitted on the set's own.
ShippedLine shipped_line_for(std::string_view level, const Solvent& solvent, Nucleus nucleus);

}  // namespace qmnmr::chem
