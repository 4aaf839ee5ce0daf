// zip_folder: local headers, data, central directory, end record (PKWARE
// APPNOTE 4.3, version 2.0, method 0, UTF-8 names).
#include "runner/api/zip_archive.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "queue/atomic_file.h"

namespace qmnmr::api {
namespace {

std::uint32_t crc32_of(const std::string& data) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void put16(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& out, std::uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
}

constexpr std::uint32_t kDosDate = (2000 - 1980) << 9 | 1 << 5 | 1;  // 2000-01-01: reproducible
constexpr std::uint16_t kUtf8Names = 0x0800;
constexpr std::uint64_t kLimit = 0xFFFFFFFFull;

}  // namespace

std::string zip_folder(const std::filesystem::path& dir, const std::string& prefix) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.size() > 0xFFFF) throw std::runtime_error("too many files for a ZIP archive");
  std::string out, central;
  for (const auto& file : files) {
    const std::string name = prefix + "/" + std::filesystem::relative(file, dir).generic_string();
    const std::string data = queue::read_file(file);
    if (out.size() + data.size() + name.size() + 64 > kLimit)
      throw std::runtime_error("the output folder is larger than a ZIP archive without ZIP64 "
                               "holds; copy it from the data volume instead");
    const std::uint32_t crc = crc32_of(data), size = static_cast<std::uint32_t>(data.size());
    const auto offset = static_cast<std::uint32_t>(out.size());
    put32(out, 0x04034b50);
    put16(out, 20);
    put16(out, kUtf8Names);
    put16(out, 0);  // stored
    put16(out, 0);  // time 00:00
    put16(out, kDosDate);
    put32(out, crc);
    put32(out, size);
    put32(out, size);
    put16(out, static_cast<std::uint32_t>(name.size()));
    put16(out, 0);
    out += name;
    out += data;

    put32(central, 0x02014b50);
    put16(central, 20);  // made by: MS-DOS / version 2.0
    put16(central, 20);
    put16(central, kUtf8Names);
    put16(central, 0);
    put16(central, 0);
    put16(central, kDosDate);
    put32(central, crc);
    put32(central, size);
    put32(central, size);
    put16(central, static_cast<std::uint32_t>(name.size()));
    put16(central, 0);  // extra
    put16(central, 0);  // comment
    put16(central, 0);  // disk
    put16(central, 0);  // internal attributes
    put32(central, 0);  // external attributes
    put32(central, offset);
    central += name;
  }
  const auto central_offset = static_cast<std::uint32_t>(out.size());
  out += central;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<std::uint32_t>(files.size()));
  put16(out, static_cast<std::uint32_t>(files.size()));
  put32(out, static_cast<std::uint32_t>(central.size()));
  put32(out, central_offset);
  put16(out, 0);
  return out;
}

}  // namespace qmnmr::api
