// resolve_molecule and load_request_molecule: the molecule of a request, checked.
#include "runner/pipeline/request_molecule.h"

#include <algorithm>
#include <iterator>
#include <set>

#include "chem/basis_library.h"
#include "chem/error.h"
#include "chem/stereo.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;

namespace {

// Elements a level can run: its basis, its per-element bases (refused here,
// before any job is queued, when the library lacks one), or the heavy-element
// fallback.
std::set<std::string> runnable_elements(const fs::path& dir, const chem::Level& level,
                                        const std::set<std::string>& heavy) {
  chem::check_element_bases(dir, level.element_basis);
  auto out = chem::elements_in_basis(dir, level.basis);
  out.insert(heavy.begin(), heavy.end());
  for (const auto& [element, set] : level.element_basis) out.insert(element);
  return out;
}

// The elements every level of the preset can run.
std::set<std::string> allowed_elements(const chem::Preset& preset) {
  auto dir = chem::default_basis_library_dir();
  auto heavy = chem::elements_in_basis(dir, chem::kHeavyElementBasis);
  auto all = runnable_elements(dir, preset.geometry, heavy);
  for (const chem::Level* level : preset.shielding_runs()) {
    auto these = runnable_elements(dir, *level, heavy);
    std::set<std::string> both;
    std::set_intersection(all.begin(), all.end(), these.begin(), these.end(),
                          std::inserter(both, both.begin()));
    all = std::move(both);
  }
  return all;
}

chem::Molecule load_molecule_for(const chem::MoleculeInput& input, const chem::Preset& preset,
                                 chem::StereoPolicy stereo, bool embed) {
  chem::LoadOptions options;
  options.stereo = stereo;
  options.embed = embed;
  options.allowed_elements = allowed_elements(preset);
  options.basis_description = (preset.geometry.basis == preset.shielding.basis
                                   ? preset.geometry.basis_label()
                                   : preset.geometry.basis_label() + " and " +
                                         preset.shielding.basis_label()) +
                              " (or " + std::string(chem::kHeavyElementBasis) +
                              " for the elements they lack)";
  return chem::load_molecule(input, options);
}

}  // namespace

std::vector<std::string> stereoisomers_to_run(const chem::Molecule& molecule) {
  return chem::enumerate_stereoisomers(molecule, kMaxStereoisomers);
}

ResolvedMolecule resolve_molecule(const chem::MoleculeInput& input, const chem::Preset& preset,
                                  bool all_stereoisomers, bool embed) {
  try {
    return {load_molecule_for(input, preset, chem::StereoPolicy::fix_enantiomer_or_refuse, embed),
            {}};
  } catch (const chem::ChemError&) {
    if (!all_stereoisomers) throw;
    // Ambiguous stereo, or another problem, which this load reports.
    auto as_given = load_molecule_for(input, preset, chem::StereoPolicy::keep, embed);
    auto isomers = stereoisomers_to_run(as_given);
    if (isomers.size() <= 1) throw;  // not a stereo ambiguity: the first error stands
    return {std::move(as_given), std::move(isomers)};
  }
}

void check_open_shell(const chem::Molecule& molecule, bool asked) {
  if (molecule.multiplicity == 1 || asked) return;
  throw chem::ChemError(
      "the molecule has multiplicity " + std::to_string(molecule.multiplicity) +
      " (an open shell: a radical or a triplet), and NWChem's shieldings here lack the "
      "paramagnetic terms such a molecule needs, while the regressions and their uncertainties "
      "were fitted on closed shells; give the closed-shell molecule (check --charge and "
      "--multiplicity), or ask for it anyway with --open-shell (API: \"open_shell\": true): its "
      "shifts are then taken against TMS with no regression and no uncertainty");
}

chem::Molecule load_request_molecule(const JobRequest& request, bool embed) {
  // The preset with the job's own --level: its bases decide the elements.
  auto molecule = resolve_molecule(request.molecule, request_preset(request),
                                   request.stereoisomers == "all", embed)
                      .molecule;
  check_open_shell(molecule, request.open_shell);
  return molecule;
}

}  // namespace qmnmr::runner
