// statfs magic -> filesystem name and kind, and the refusal of a data root on
// a network filesystem.
#include "queue/filesystem_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "queue/error.h"
#include "support/temp_dir.h"

namespace qmnmr::queue {
namespace {

using ::testing::HasSubstr;

TEST(FilesystemMagic, NamesNetworkFilesystems) {
  struct Case {
    uint64_t magic;
    const char* name;
  };
  for (auto c : {Case{0x6969, "nfs"}, Case{0x517B, "smb"}, Case{0xFF534D42, "cifs"},
                 Case{0xFE534D42, "smb2"}, Case{0x0BD00BD0, "lustre"}, Case{0x47504653, "gpfs"},
                 Case{0x00C36400, "ceph"}, Case{0x01021997, "9p"}, Case{0x5346414F, "afs"},
                 Case{0x19830326, "beegfs"}, Case{0x7461636F, "ocfs2"}}) {
    auto fs = classify_fs_magic(c.magic);
    EXPECT_EQ(fs.name, c.name);
    EXPECT_EQ(fs.kind, FsKind::network) << c.name;
  }
}

TEST(FilesystemMagic, LocalAndDoubtful) {
  EXPECT_EQ(classify_fs_magic(0xEF53).name, "ext4");
  EXPECT_EQ(classify_fs_magic(0xEF53).kind, FsKind::local);
  EXPECT_EQ(classify_fs_magic(0x58465342).name, "xfs");
  EXPECT_EQ(classify_fs_magic(0x01021994).name, "tmpfs");
  EXPECT_EQ(classify_fs_magic(0x794C7630).name, "overlayfs");
  EXPECT_EQ(classify_fs_magic(0x65735546).name, "fuse");
  EXPECT_EQ(classify_fs_magic(0x65735546).kind, FsKind::doubtful);
  auto unknown = classify_fs_magic(0x12345678);
  EXPECT_EQ(unknown.name, "unknown (0x12345678)");
  EXPECT_EQ(unknown.kind, FsKind::local);
}

TEST(FilesystemMagic, SignExtendedFTypeStillMatches) {
  // f_type is a signed long: 0xFF534D42 may arrive sign-extended.
  auto magic = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(0xFF534D42u)));
  EXPECT_EQ(classify_fs_magic(magic).name, "cifs");
}

TEST(DataRootCheck, NetworkIsRefusedWithTheFix) {
  try {
    check_data_root_fs("/x", classify_fs_magic(0x6969), false);
    FAIL() << "accepted nfs";
  } catch (const QueueError& e) {
    EXPECT_EQ(std::string(e.what()),
              "data root /x is on nfs: SQLite's WAL needs shared memory between processes on one "
              "host; put the data root on a local volume, or pass --force-network-fs if every "
              "worker runs on this one host");
  }
  auto warning = check_data_root_fs("/x", classify_fs_magic(0x0BD00BD0), true);
  ASSERT_TRUE(warning);
  EXPECT_THAT(*warning, HasSubstr("lustre"));
  EXPECT_THAT(*warning, HasSubstr("forced"));
}

TEST(DataRootCheck, FuseWarnsAndLocalPasses) {
  auto warning = check_data_root_fs("/x", classify_fs_magic(0x65735546), false);
  ASSERT_TRUE(warning);
  EXPECT_THAT(*warning, HasSubstr("fuse"));
  EXPECT_FALSE(check_data_root_fs("/x", classify_fs_magic(0xEF53), false));
}

TEST(DataRootCheck, RealTemporaryDirectory) {
  qmnmr::testing::TempDir dir{"queue"};
  auto fs = filesystem_of(dir.path());
  EXPECT_FALSE(fs.name.empty());
  if (fs.kind == FsKind::network) {
    GTEST_SKIP() << "the temporary directory is on " << fs.name << "; cannot test the local case";
  }
  EXPECT_NO_THROW(require_local_filesystem(dir.path(), false));
  // A data root that does not exist yet is judged by its nearest existing parent.
  auto later = filesystem_of(dir / "not/yet/created");
  EXPECT_EQ(later.magic, fs.magic);
}

}  // namespace
}  // namespace qmnmr::queue
