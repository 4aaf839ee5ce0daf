// The data root's cache of finished NWChem calculations (<data>/cache/runs/):
// a conformer's optimisation or shielding whose input - geometry, level, basis,
// grid, solvent, charge, multiplicity, optimiser settings - and NWChem binary
// match a finished one is not run again; its result (energy, final geometry,
// steps, shieldings) is taken from the cache. The key is a hash of the NWChem
// input without the lines that do not change the result (title, start name,
// scratch and permanent folders, memory) and of the NWChem binary's identity
// (path, size, modification time: a rebuilt or upgraded NWChem misses).
// `cache = false` (QMNMR_CACHE) disables it; `qmnmr cache prune` empties it.
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "chem/nwchem_output.h"

namespace qmnmr::runner {

struct RunCacheKey {
  std::string hash;  // 16 hex digits: the file name
  std::string text;  // what was hashed, kept in the entry to rule out collisions
};

// 16 hex digits of FNV-1a over `text`: stable across builds and machines, so
// both caches (runs here, TMS references) name their files by it.
std::string stable_hash_hex(const std::string& text);

// The NWChem on PATH as "path size mtime"; "" when none is found (no caching).
std::string nwchem_identity();

RunCacheKey run_cache_key(const std::string& input_text, const std::string& nwchem_identity);

struct CachedRun {
  chem::NwchemOutput output;   // finished, no failure
  std::string nwchem_version;  // as the run's output header said ("7.0.2"): the job records
                               // it (it keys the TMS reference) although no NWChem ran
};

// A usable cached result, or nullopt.
std::optional<CachedRun> cached_run(const std::filesystem::path& dir, const RunCacheKey& key);
// Stores a usable result; an entry that cannot be written is skipped silently
// (the cache only saves time).
void store_run(const std::filesystem::path& dir, const RunCacheKey& key,
               const chem::NwchemOutput& output, const std::string& nwchem_version);

struct CachePrune {
  int removed = 0, kept = 0;
  std::uint64_t bytes_removed = 0, bytes_kept = 0;
};
// Removes entries not used for `older_than` (all with 0).
CachePrune prune_run_cache(const std::filesystem::path& dir, std::chrono::seconds older_than);

}  // namespace qmnmr::runner
