// The run cache: what its key ignores and what it does not, entries that round
// trip, entries that do not match, and pruning by age.
#include "runner/pipeline/run_cache.h"

#include <gtest/gtest.h>

#include "queue/atomic_file.h"
#include "support/temp_dir.h"

namespace qmnmr::runner {
namespace {
namespace fs = std::filesystem;

const std::string kInput =
    "title \"ethanol\"\nstart qmnmr\nscratch_dir /a/scratch\npermanent_dir /a/perm\n"
    "memory total 2000 mb\ncharge 0\n\ngeometry units angstrom\n  O 0.0 0.0 0.1\nend\n"
    "basis spherical\n  * library 6-31G*\nend\ncosmo\n  solvent chcl3\nend\ntask dft property\n";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

TEST(RunCache, TheKeyIgnoresFoldersTitleAndMemoryButNotTheChemistryOrTheBinary) {
  const auto key = run_cache_key(kInput, "/usr/bin/nwchem 100 5");
  EXPECT_EQ(key.hash.size(), 16u);
  for (auto [from, to] : {std::pair{"/a/scratch", "/b/s"}, {"/a/perm", "/b/p"},
                          {"\"ethanol\"", "\"other\""}, {"2000 mb", "500 mb"}})
    EXPECT_EQ(run_cache_key(replaced(kInput, from, to), "/usr/bin/nwchem 100 5").hash, key.hash)
        << from;
  for (auto [from, to] : {std::pair{"0.1\n", "0.2\n"}, {"6-31G*", "6-311+G(2d,p)"},
                          {"chcl3", "dmso"}, {"charge 0", "charge 1"}, {"property", "optimize"}})
    EXPECT_NE(run_cache_key(replaced(kInput, from, to), "/usr/bin/nwchem 100 5").hash, key.hash)
        << from;
  EXPECT_NE(run_cache_key(kInput, "/usr/bin/nwchem 100 6").hash, key.hash) << "a rebuilt nwchem";
  // Where the SCF starts is not the calculation: a warm start hits a cold one's entry.
  EXPECT_EQ(run_cache_key(replaced(kInput, "cosmo\n",
                                   "dft\n  vectors input /a/opt/perm/qmnmr.movecs\nend\ncosmo\n"),
                          "/usr/bin/nwchem 100 5")
                .hash,
            run_cache_key(replaced(kInput, "cosmo\n", "dft\nend\ncosmo\n"),
                          "/usr/bin/nwchem 100 5")
                .hash);
  // Nor is the optimiser's first Hessian: the same minimum, fewer steps.
  EXPECT_EQ(run_cache_key(replaced(kInput, "cosmo\n", "driver\n  inhess 2\nend\ncosmo\n"),
                          "/usr/bin/nwchem 100 5")
                .hash,
            run_cache_key(replaced(kInput, "cosmo\n", "driver\nend\ncosmo\n"),
                          "/usr/bin/nwchem 100 5")
                .hash);
}

TEST(RunCache, AStoredResultComesBackAndAnotherKeyOrADamagedEntryMisses) {
  testing::TempDir tmp("run-cache");
  const auto key = run_cache_key(kInput, "nwchem 1 2");
  EXPECT_FALSE(cached_run(tmp.path(), key));
  chem::NwchemOutput out;
  out.finished = true;
  out.total_energy = -155.25;
  out.optimization_converged = true;
  out.optimization_steps = 4;
  out.final_geometry = chem::Geometry{{{"O", 0.123456789012, -1.5, 2.0}}, ""};
  out.shieldings = {{1, "O", 281.123456}};
  store_run(tmp.path(), key, out, "7.0.2");
  auto cached = cached_run(tmp.path(), key);
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->nwchem_version, "7.0.2");
  const auto* hit = &cached->output;
  EXPECT_TRUE(hit->ok());
  EXPECT_EQ(hit->total_energy, -155.25);
  EXPECT_TRUE(hit->optimization_converged);
  EXPECT_EQ(hit->optimization_steps, 4);
  ASSERT_TRUE(hit->final_geometry);
  EXPECT_EQ(hit->final_geometry->atoms.at(0).x, 0.123456789012) << "full precision";
  ASSERT_EQ(hit->shieldings.size(), 1u);
  EXPECT_EQ(hit->shieldings[0].isotropic, 281.123456);
  // Same file name, other key text (a hash collision): a miss.
  RunCacheKey other = key;
  other.text += "x";
  EXPECT_FALSE(cached_run(tmp.path(), other));
  queue::write_file_atomic(tmp.path() / (key.hash + ".json"), "{damaged");
  EXPECT_FALSE(cached_run(tmp.path(), key));
}

TEST(RunCache, PruneRemovesWhatWasNotUsedLately) {
  testing::TempDir tmp("run-cache-prune");
  chem::NwchemOutput out;
  out.total_energy = -1;
  const auto old_key = run_cache_key(kInput, "a"), new_key = run_cache_key(kInput, "b");
  store_run(tmp.path(), old_key, out, "7.0.2");
  store_run(tmp.path(), new_key, out, "7.0.2");
  fs::last_write_time(tmp.path() / (old_key.hash + ".json"),
                      fs::file_time_type::clock::now() - std::chrono::hours(24 * 40));
  auto r = prune_run_cache(tmp.path(), std::chrono::hours(24 * 30));
  EXPECT_EQ(r.removed, 1);
  EXPECT_EQ(r.kept, 1);
  EXPECT_FALSE(fs::exists(tmp.path() / (old_key.hash + ".json")));
  EXPECT_TRUE(cached_run(tmp.path(), new_key));
  EXPECT_EQ(prune_run_cache(tmp.path(), std::chrono::seconds(0)).removed, 1) << "0: everything";
  EXPECT_EQ(prune_run_cache(tmp.path() / "missing", std::chrono::seconds(0)).removed, 0);
}

}  // namespace
}  // namespace qmnmr::runner
