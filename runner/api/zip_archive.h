// A ZIP archive (stored entries, no compression: the outputs are small text
// and SVG files) of every regular file under a folder, built in memory.
#pragma once
#include <filesystem>
#include <string>

namespace qmnmr::api {

// The archive bytes; entry names are `prefix`/<path relative to dir>. Throws
// std::runtime_error when the folder holds more than the 32-bit ZIP limits.
std::string zip_folder(const std::filesystem::path& dir, const std::string& prefix);

}  // namespace qmnmr::api
