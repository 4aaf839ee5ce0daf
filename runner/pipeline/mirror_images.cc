// mark_mirror_images and the completion of mirror conformers after each DFT stage.
#include "runner/pipeline/mirror_images.h"

#include <map>

#include "chem/clustering.h"
#include "chem/ensemble.h"
#include "chem/reference_labelling.h"
#include "runner/pipeline/conformer_checks.h"

namespace qmnmr::runner {

namespace {

// xTB-optimised mirror pairs agree to ~0.01 A and ~1e-3 kcal/mol.
constexpr double kMirrorRmsd = 0.1;          // Angstrom
constexpr double kMirrorEnergyKcal = 0.05;

std::map<int, Conformer*> by_id(Ensemble& e) {
  std::map<int, Conformer*> out;
  for (auto& c : e.conformers) out[c.id] = &c;
  return out;
}

void inherit_failure(StageContext& ctx, Conformer& mirror, const Conformer& partner,
                     const std::string& stage) {
  ConformerFailure f = partner.failure ? *partner.failure
                                       : ConformerFailure{stage, "mirror_partner_dropped", "", "", "", true};
  f.message = "the mirror image of conformer " + std::to_string(partner.id) +
              ", whose calculation it shares, was dropped: " + f.message;
  drop_conformer(ctx, mirror, f);
}

// The mirror image of `g`, renumbered onto the molecule's labelling (the
// reflection swaps every local parity; an automorphism of an achiral molecule
// swaps them back). When none does, the mirror image keeps the partner's
// numbering, whose relations (cis, trans) a reflection preserves.
chem::Relabelled labelled_mirror(StageContext& ctx, const chem::Geometry& g) {
  auto mirrored = chem::mirror_image(g);
  auto r = chem::ReferenceLabelling(ctx.molecule).align(mirrored);
  if (r.same_configuration()) return r;
  ctx.log->warn("a mirror image could not be renumbered onto the molecule's labelling ({} "
                "parities differ): it keeps its partner's numbering",
                r.configuration_mismatches);
  chem::Relabelled same;
  same.geometry = mirrored;
  for (size_t i = 0; i < mirrored.atoms.size(); ++i) same.source.push_back(static_cast<int>(i));
  return same;
}

}  // namespace

int mark_mirror_images(StageContext& ctx, const std::vector<Conformer*>& conformers) {
  std::vector<chem::Geometry> geometries;
  std::vector<double> energies;
  for (auto* c : conformers) {
    c->mirror_of.reset();
    if (!c->xtb_hartree) return 0;  // no common energy scale: nothing is shared
    geometries.push_back(c->geometry);
    energies.push_back(*c->xtb_hartree * chem::kHartreeToKcal);
  }
  int marked = 0;
  for (auto [computed, mirror] : chem::mirror_image_pairs(ctx.molecule, geometries, energies,
                                                          kMirrorRmsd, kMirrorEnergyKcal)) {
    conformers[mirror]->mirror_of = conformers[computed]->id;
    ++marked;
    ctx.log->info("conformer {} is the mirror image of conformer {}: computed once, weighted twice",
                  conformers[mirror]->id, conformers[computed]->id);
  }
  return marked;
}

namespace {

// Each mirror conformer in state `waiting` takes its partner's result when the
// partner reached `done` (apply), else the partner's failure.
template <typename Apply>
void complete_mirrors(StageContext& ctx, ConformerState waiting, ConformerState done,
                      const std::string& stage, Apply apply) {
  auto ids = by_id(ctx.ensemble);
  for (auto* c : ctx.ensemble.with_state(waiting)) {
    if (!c->mirror_of) continue;
    const Conformer& partner = *ids.at(*c->mirror_of);
    if (partner.state != done) {
      inherit_failure(ctx, *c, partner, stage);
      continue;
    }
    apply(*c, partner);
    c->state = done;
  }
}

}  // namespace

void complete_mirror_optimisations(StageContext& ctx) {
  complete_mirrors(ctx, ConformerState::selected, ConformerState::dft_optimized, "dft_opt",
                   [&](Conformer& c, const Conformer& partner) {
                     c.geometry = labelled_mirror(ctx, partner.geometry).geometry;
                     c.dft_hartree = partner.dft_hartree;
                     c.dft_opt_steps = 0;
                   });
}

void complete_mirror_shieldings(StageContext& ctx) {
  complete_mirrors(ctx, ConformerState::dft_selected, ConformerState::shielded, "shielding",
                   [&](Conformer& c, const Conformer& partner) {
                     // Atom i of the twin is the partner's atom source[i], reflected.
                     const auto source = labelled_mirror(ctx, partner.geometry).source;
                     c.shieldings = partner.shieldings;
                     if (partner.shieldings.size() == source.size())
                       for (size_t i = 0; i < source.size(); ++i)
                         c.shieldings[i] = partner.shieldings[static_cast<size_t>(source[i])];
                   });
}

}  // namespace qmnmr::runner
