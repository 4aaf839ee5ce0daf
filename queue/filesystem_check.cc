// classify_fs_magic, filesystem_of and the data-root check.
#include "queue/filesystem_check.h"

#include <sys/vfs.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "queue/error.h"

namespace qmnmr::queue {
namespace {

struct KnownFs {
  uint64_t magic;
  const char* name;
  FsKind kind;
};

// f_type values from linux/magic.h and the vendors' sources.
constexpr KnownFs kKnown[] = {
    // Remote or cluster filesystems: no shared memory between hosts.
    {0x6969, "nfs", FsKind::network},
    {0x517B, "smb", FsKind::network},
    {0xFF534D42, "cifs", FsKind::network},
    {0xFE534D42, "smb2", FsKind::network},
    {0x0BD00BD0, "lustre", FsKind::network},
    {0x47504653, "gpfs", FsKind::network},
    {0x00C36400, "ceph", FsKind::network},
    {0x01021997, "9p", FsKind::network},
    {0x5346414F, "afs", FsKind::network},
    {0x6B414653, "kafs", FsKind::network},
    {0x19830326, "beegfs", FsKind::network},
    {0x73757245, "coda", FsKind::network},
    {0x564C, "ncp", FsKind::network},
    {0x7461636F, "ocfs2", FsKind::network},
    {0x01161970, "gfs2", FsKind::network},
    {0xAAD7AAEA, "panfs", FsKind::network},
    {0x20030528, "orangefs", FsKind::network},
    {0x013111A8, "ibrix", FsKind::network},
    // Maybe remote, maybe a VM share: warn.
    {0x65735546, "fuse", FsKind::doubtful},
    {0x6A656A63, "virtiofs", FsKind::doubtful},
    {0x786F4256, "vboxsf", FsKind::doubtful},
    // Local, named for messages.
    {0xEF53, "ext4", FsKind::local},
    {0x58465342, "xfs", FsKind::local},
    {0x9123683E, "btrfs", FsKind::local},
    {0x01021994, "tmpfs", FsKind::local},
    {0x794C7630, "overlayfs", FsKind::local},
    {0x2FC12FC1, "zfs", FsKind::local},
    {0xF2F52010, "f2fs", FsKind::local},
    {0x3153464A, "jfs", FsKind::local},
    {0x52654973, "reiserfs", FsKind::local},
    {0x4D44, "vfat", FsKind::local},
    {0x5346544E, "ntfs", FsKind::local},
    {0x858458F6, "ramfs", FsKind::local},
};

}  // namespace

FsInfo classify_fs_magic(uint64_t magic) {
  // f_type is a signed long on some ABIs: compare the low 32 bits.
  uint64_t m = magic & 0xFFFFFFFFu;
  for (const KnownFs& k : kKnown) {
    if (k.magic == m) return {m, k.name, k.kind};
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "unknown (0x%llx)", static_cast<unsigned long long>(m));
  return {m, buf, FsKind::local};
}

FsInfo filesystem_of(const std::filesystem::path& path) {
  std::filesystem::path p = std::filesystem::absolute(path);
  for (;;) {
    struct statfs st {};
    if (::statfs(p.c_str(), &st) == 0) {
      return classify_fs_magic(static_cast<uint64_t>(st.f_type));
    }
    if (errno != ENOENT || p == p.root_path() || !p.has_parent_path()) {
      throw QueueError("cannot statfs " + p.string() + ": " + std::strerror(errno) +
                       "; check that the data root is reachable");
    }
    p = p.parent_path();
  }
}

std::optional<std::string> check_data_root_fs(const std::filesystem::path& data_root,
                                              const FsInfo& fs, bool force) {
  const std::string root = data_root.string();
  if (fs.kind == FsKind::network) {
    if (!force) {
      throw QueueError("data root " + root + " is on " + fs.name +
                       ": SQLite's WAL needs shared memory between processes on one host; put " +
                       "the data root on a local volume, or pass --force-network-fs if every " +
                       "worker runs on this one host");
    }
    return "data root " + root + " is on " + fs.name +
           " (forced with --force-network-fs): every worker must run on this one host, or the " +
           "queue will be corrupted";
  }
  if (fs.kind == FsKind::doubtful) {
    return "data root " + root + " is on " + fs.name +
           ", which may be a network or VM share: SQLite's WAL needs shared memory between " +
           "processes on one host; prefer a local volume";
  }
  return std::nullopt;
}

std::optional<std::string> require_local_filesystem(const std::filesystem::path& data_root,
                                                    bool force) {
  return check_data_root_fs(data_root, filesystem_of(data_root), force);
}

}  // namespace qmnmr::queue
