// CREST conformer search: the argv the runner spawns and parsers for its
// outputs, crest_conformers.xyz (multi-frame XYZ whose comment lines hold the
// GFN2 energy in Hartree) and crest.energies ("index  relative-energy" in
// kcal/mol). Same environment as xtb (see chem/xtb.h).
#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "chem/geometry.h"
#include "chem/solvents.h"

namespace qmnmr::chem {

// `crest <xyz> --gfn2 [--alpb <name>] --chrg <q> --uhf <u> --ewin <ewin> -T <threads>`.
std::vector<std::string> crest_argv(const std::filesystem::path& xyz, const Solvent& solvent,
                                    int charge, int uhf, int threads, double ewin_kcal = 6.0);

struct CrestConformer {
  Geometry geometry;
  double energy_hartree = 0;  // from the frame's comment line
};

// Every frame of crest_conformers.xyz with its energy. Throws ChemError when a
// comment line holds no energy or the file has no frames.
std::vector<CrestConformer> parse_crest_conformers(std::string_view text);

struct CrestEnergy {
  int index = 0;           // 1-based conformer number
  double relative_kcal = 0;  // relative to the lowest, kcal/mol
};

// crest.energies. Throws ChemError naming the bad line.
std::vector<CrestEnergy> parse_crest_energies(std::string_view text);

}  // namespace qmnmr::chem
