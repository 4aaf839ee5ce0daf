// Keeps the one molecule of a salt or solvate (chem/fragments.h).
#include "chem/fragments.h"

#include <algorithm>
#include <map>
#include <set>

#include <GraphMol/MolOps.h>
#include <GraphMol/MolStandardize/Fragment.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include "chem/error.h"

namespace qmnmr::chem {
namespace {

// Canonical SMILES of each fragment, with the fragments.
std::vector<std::pair<std::string, boost::shared_ptr<RDKit::ROMol>>> fragments_of(
    const RDKit::ROMol& mol) {
  std::vector<std::pair<std::string, boost::shared_ptr<RDKit::ROMol>>> out;
  for (const auto& frag : RDKit::MolOps::getMolFrags(mol, true))
    out.emplace_back(RDKit::MolToSmiles(*frag), frag);
  return out;
}

}  // namespace

std::vector<std::string> keep_one_fragment(std::unique_ptr<RDKit::RWMol>& mol) {
  const auto before = fragments_of(*mol);
  if (before.size() <= 1) return {};
  RDKit::MolStandardize::FragmentRemover remover;  // RDKit's built-in list
  std::unique_ptr<RDKit::ROMol> stripped(remover.remove(*mol));
  auto after = fragments_of(*stripped);
  std::map<std::string, boost::shared_ptr<RDKit::ROMol>> distinct(after.begin(), after.end());
  if (distinct.size() > 1) {
    std::string list;
    for (const auto& [smiles, frag] : distinct) list += (list.empty() ? "" : ", ") + smiles;
    throw ChemError("the input holds " + std::to_string(distinct.size()) +
                    " different molecules that are not known counter-ions or solvents (" + list +
                    "); qmnmr computes one molecule: give only the one whose shifts you want");
  }
  // What went: every fragment of the input less the one kept (once).
  std::multiset<std::string> removed;
  for (const auto& [smiles, frag] : before) removed.insert(smiles);
  removed.erase(removed.find(distinct.begin()->first));
  mol = std::make_unique<RDKit::RWMol>(*distinct.begin()->second);
  return {removed.begin(), removed.end()};
}

}  // namespace qmnmr::chem
