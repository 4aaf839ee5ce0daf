// Which filesystem a path lives on (statfs magic), and the refusal to put the
// queue on a network or cluster filesystem: SQLite's WAL mode keeps its index
// in a memory-mapped -shm file that only works between processes of one host.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace qmnmr::queue {

enum class FsKind {
  local,    // ext4, xfs, btrfs, tmpfs, overlayfs, ... or anything not known to be remote
  network,  // NFS, SMB/CIFS, Lustre, GPFS, CephFS, BeeGFS, 9P, AFS, ...: refused
  doubtful, // FUSE, virtiofs, vboxsf: may be remote or a VM share; warned about
};

struct FsInfo {
  uint64_t magic = 0;
  std::string name;  // "nfs", "ext4", ... or "unknown (0x1234abcd)"
  FsKind kind = FsKind::local;
};

// Pure mapping from a statfs f_type to a name and kind.
FsInfo classify_fs_magic(uint64_t magic);

// statfs of `path`, or of its nearest existing ancestor when `path` does not
// exist yet. Throws QueueError when even that fails.
FsInfo filesystem_of(const std::filesystem::path& path);

// The decision for a given filesystem: throws QueueError for a network
// filesystem unless `force`; returns a warning for a doubtful one (or a
// forced network one), nullopt when all is well.
std::optional<std::string> check_data_root_fs(const std::filesystem::path& data_root,
                                              const FsInfo& fs, bool force);

// filesystem_of + check_data_root_fs.
std::optional<std::string> require_local_filesystem(const std::filesystem::path& data_root,
                                                    bool force);

}  // namespace qmnmr::queue
