// capture_output with real programs (echo, sh, stat): the output comes back,
// through a private file (mode 0600 in a mkdtemp folder of mode 0700) that is
// gone afterwards, never through a name another user could guess or plant.
#include <unistd.h>

#include <algorithm>
#include <regex>

#include <gtest/gtest.h>

#include "queue/atomic_file.h"
#include "runner/pipeline/tool_versions.h"
#include "support/temp_dir.h"

namespace qmnmr::runner {
namespace {
namespace fs = std::filesystem;

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

// The name capture_output once used, /tmp/capture-<pid>.txt, with a symlink
// planted at it: the program's output does not go through it.
TEST(CaptureOutput, ASymlinkPlantedAtThePredictableNameIsNotFollowed) {
  testing::TempDir dir("capture");
  const fs::path victim = dir.path() / "victim.txt";
  queue::write_file_atomic(victim, "untouched\n");
  const std::string planted = "capture-" + std::to_string(::getpid()) + ".txt";
  fs::create_symlink(victim, dir.path() / planted);
  EXPECT_EQ(capture_output({"echo", "captured"}, dir.path()), "captured\n");
  EXPECT_EQ(queue::read_file(victim), "untouched\n");
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{planted, "victim.txt"}))
      << "nothing left behind, the planted link left alone";
}

// While the program writes, its output is a file of mode 0600 in a folder of
// mode 0700 named qmnmr-capture-XXXXXX; both are gone afterwards.
TEST(CaptureOutput, TheOutputFileIsPrivateAndRemovedAfterwards) {
  testing::TempDir dir("capture");
  // $$ is the shell, whose stdout is the capture file.
  const std::string text = capture_output(
      {"sh", "-c", "f=$(readlink /proc/$$/fd/1); stat -c '%a %n' \"$f\" \"${f%/*}\""},
      dir.path());
  std::smatch m;
  ASSERT_TRUE(std::regex_match(text, m, std::regex("600 (.*)/output\\.txt\n700 (.*)\n"))) << text;
  EXPECT_EQ(m[1].str(), m[2].str());
  const fs::path folder = m[1].str();
  EXPECT_EQ(folder.parent_path(), dir.path());
  EXPECT_TRUE(std::regex_match(folder.filename().string(),
                               std::regex("qmnmr-capture-[A-Za-z0-9]{6}")))
      << folder;
  EXPECT_FALSE(fs::exists(folder));
  EXPECT_TRUE(names_in(dir.path()).empty());
  // Two captures never share a name.
  const std::string again = capture_output({"sh", "-c", "readlink /proc/$$/fd/1"}, dir.path());
  EXPECT_NE(again, folder.string() + "/output.txt\n");
}

}  // namespace
}  // namespace qmnmr::runner
