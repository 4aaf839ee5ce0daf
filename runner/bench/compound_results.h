// One benchmark compound's computed shifts (a finished job's results.json)
// set against its experimental ones: the observations the statistics count,
// per atom and per group of equivalent atoms, for 1H and 13C.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/bench/accuracy_stats.h"
#include "runner/bench/reference_set.h"

namespace qmnmr::bench {

// How atoms are counted: each assigned atom, or each group of atoms qmnmr
// treats as equivalent (the group's mean experimental shift against its
// averaged shielding) - the equivalence `qmnmr run` reports.
enum class Counting { per_atom, equivalent };
const char* counting_name(Counting counting);  // "per_atom" / "equivalent_averaged"

struct CompoundObservations {
  // [nucleus "1H"/"13C"][counting] -> observations
  std::map<std::string, std::map<Counting, std::vector<Observation>>> by_nucleus;
  nlohmann::json atoms = nlohmann::json::array();  // one row per assigned atom, for bench.json
};

// From results.json of the compound's job. Each row there has index,
// atom_shielding (before the equivalence average), shielding (after), shift
// and equivalence_class; shift_conversion gives the line the job used. Throws
// std::invalid_argument when an assigned atom has no computed shift.
CompoundObservations compound_observations(const ReferenceCompound& compound,
                                           const nlohmann::json& results);

}  // namespace qmnmr::bench
