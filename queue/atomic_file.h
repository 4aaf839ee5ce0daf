// AtomicFile: write a whole file so that readers see the old content or the
// new, never half of either: write a temporary beside it, fsync, rename.
// Every status.json, heartbeat and result file goes through write_file_atomic.
#pragma once
#include <filesystem>
#include <string_view>

namespace qmnmr::queue {

// Replaces `path` with `content` atomically (temp file + fsync + rename +
// fsync of the directory). Throws std::system_error naming the path.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Reads a whole file; throws std::system_error naming the path.
std::string read_file(const std::filesystem::path& path);

}  // namespace qmnmr::queue
