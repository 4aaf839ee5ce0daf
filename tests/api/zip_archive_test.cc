// Tests for the ZIP writer: the entries, their CRC-32 and the end record.
#include "runner/api/zip_archive.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "queue/atomic_file.h"
#include "support/temp_dir.h"

namespace qmnmr::api {
namespace {

std::uint32_t u32(const std::string& s, size_t at) {
  return static_cast<unsigned char>(s[at]) | static_cast<unsigned char>(s[at + 1]) << 8 |
         static_cast<unsigned char>(s[at + 2]) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3])) << 24;
}

TEST(ZipArchive, StoredEntriesWithCrcAndACentralDirectory) {
  testing::TempDir tmp("zip");
  std::filesystem::create_directories(tmp.path() / "out" / "conformers");
  queue::write_file_atomic(tmp.path() / "out" / "a.txt", "123456789");
  queue::write_file_atomic(tmp.path() / "out" / "conformers" / "b.xyz", "");
  const std::string zip = zip_folder(tmp.path() / "out", "job_output");
  ASSERT_EQ(u32(zip, 0), 0x04034b50u);
  EXPECT_EQ(u32(zip, 14), 0xCBF43926u) << "CRC-32 of \"123456789\" (the check value)";
  EXPECT_EQ(u32(zip, 18), 9u);
  EXPECT_EQ(zip.substr(30, 16), "job_output/a.txt");
  EXPECT_NE(zip.find("job_output/conformers/b.xyz"), std::string::npos);
  const size_t end = zip.size() - 22;
  ASSERT_EQ(u32(zip, end), 0x06054b50u);
  EXPECT_EQ(zip[end + 10], 2) << "two entries";
  const std::uint32_t central = u32(zip, end + 16);
  EXPECT_EQ(u32(zip, central), 0x02014b50u);
  EXPECT_EQ(u32(zip, end + 12), end - central) << "the central directory's size";
}

}  // namespace
}  // namespace qmnmr::api
