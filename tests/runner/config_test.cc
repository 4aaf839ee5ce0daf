// Config: precedence (defaults < file < environment < command line), origins,
// the key table, and clear errors for bad values.
#include "runner/modes/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/qmnmr_process.h"

namespace qmnmr::runner {
namespace {

TEST(Config, DefaultsCarryTheDefaultOrigin) {
  auto c = Config::load({}, std::nullopt);
  EXPECT_EQ(c.data_dir.value, std::filesystem::current_path() / "data");  // made absolute
  EXPECT_EQ(c.data_dir.origin.label, "default");
  EXPECT_FALSE(c.ranks.value.has_value());
  EXPECT_EQ(c.preset.value, "production");
  EXPECT_EQ(c.reference_cache(), std::filesystem::current_path() / "data" / "reference");
}

TEST(Config, FileThenEnvironmentThenCommandLine) {
  testing::TempDir dir("config-precedence");
  auto file = dir.path() / "qmnmr.conf";
  std::ofstream(file) << "# comment\npreset = draft\nsolvent = dmso\nranks = 3\n\nmemory=2g\n";
  auto c = Config::load({{"QMNMR_SOLVENT", "water"}}, file);
  EXPECT_EQ(c.preset.value, "draft");
  EXPECT_EQ(c.preset.origin.label, "config file " + file.string() + ":2");
  EXPECT_EQ(c.solvent.value, "water");
  EXPECT_EQ(c.solvent.origin.label, "env QMNMR_SOLVENT");
  EXPECT_EQ(*c.ranks.value, 3);
  EXPECT_EQ(*c.memory_bytes.value, 2ull << 30);
  c.set("solvent", "thf", Origin{"--solvent"});
  EXPECT_EQ(c.solvent.value, "thf");
  EXPECT_EQ(c.solvent.origin.label, "--solvent");
  // describe() shows every value with its origin.
  auto j = c.describe();
  EXPECT_EQ(j["solvent"]["origin"], "--solvent");
  EXPECT_EQ(j["ranks"]["value"], 3);
}

TEST(Config, ConfigFileFromQmnmrConfig) {
  testing::TempDir dir("config-env-file");
  auto file = dir.path() / "c.conf";
  std::ofstream(file) << "log_format = json\n";
  auto c = Config::load({{"QMNMR_CONFIG", file.string()}}, std::nullopt);
  EXPECT_EQ(c.log_format.value, "json");
}

TEST(Config, NwchemNprocIsHonouredBelowQmnmrRanks) {
  auto c = Config::load({{"NWCHEM_NPROC", "2"}}, std::nullopt);
  EXPECT_EQ(*c.ranks.value, 2);
  EXPECT_EQ(c.ranks.origin.label, "env NWCHEM_NPROC");
  auto d = Config::load({{"NWCHEM_NPROC", "2"}, {"QMNMR_RANKS", "1"}}, std::nullopt);
  EXPECT_EQ(*d.ranks.value, 1);
  EXPECT_EQ(d.ranks.origin.label, "env QMNMR_RANKS");
}

TEST(Config, BadValuesNameTheVariableAndTheFix) {
  auto message = [](const std::map<std::string, std::string>& env) {
    try {
      Config::load(env, std::nullopt);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({{"QMNMR_RANKS", "abc"}}).find("QMNMR_RANKS='abc'"), std::string::npos);
  EXPECT_NE(message({{"QMNMR_RANKS", "0"}}).find("QMNMR_RANKS"), std::string::npos);
  EXPECT_NE(message({{"QMNMR_RANKS", "-2"}}).find("QMNMR_RANKS"), std::string::npos);
  EXPECT_NE(message({{"QMNMR_MEMORY", "lots"}}).find("QMNMR_MEMORY"), std::string::npos);
  EXPECT_NE(message({{"QMNMR_LOG_FORMAT", "xml"}}).find("use one of: text, json"),
            std::string::npos);
  EXPECT_NE(message({{"QMNMR_DRAIN_SECONDS", "soon"}}).find("QMNMR_DRAIN_SECONDS"),
            std::string::npos);
  EXPECT_NE(message({{"QMNMR_FORCE_NETWORK_FS", "maybe"}}).find("true or false"),
            std::string::npos);
  EXPECT_NE(message({{"QMNMR_SLOTS", "0"}}).find("QMNMR_SLOTS='0'"), std::string::npos);
  EXPECT_NE(message({{"QMNMR_CACHE", "maybe"}}).find("QMNMR_CACHE='maybe'"), std::string::npos);
  auto c = Config::load({{"QMNMR_SLOTS", "2"}, {"QMNMR_CACHE", "off"}}, std::nullopt);
  EXPECT_EQ(c.slots.value, 2);
  EXPECT_FALSE(c.run_cache.value);
  EXPECT_TRUE(Config::load({}, std::nullopt).run_cache.value) << "the cache is on by default";
}

TEST(Config, UnknownKeyOrMalformedLineInFileIsAnError) {
  testing::TempDir dir("config-bad-file");
  auto file = dir.path() / "bad.conf";
  std::ofstream(file) << "colour = blue\n";
  EXPECT_THROW(Config::load({}, file), ConfigError);
  std::ofstream(file) << "just words\n";
  try {
    Config::load({}, file);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(":1: expected 'key = value'"), std::string::npos);
  }
  EXPECT_THROW(Config::load({}, dir.path() / "missing.conf"), ConfigError);
}

TEST(Config, KeyTableAndDescribeAgree) {
  auto c = Config::load({}, std::nullopt);
  auto j = c.describe();
  EXPECT_EQ(j.size(), config_keys().size());
  for (const auto& k : config_keys()) {
    EXPECT_TRUE(j.contains(k.key)) << k.key;
    EXPECT_EQ(std::string(k.env).rfind("QMNMR_", 0), 0u) << k.env;
  }
}

}  // namespace
}  // namespace qmnmr::runner
