// The raw-text scan of JSON nesting, and the limited parse and file read.
#include "queue/json_limits.h"

#include <cstdint>
#include <system_error>

#include "queue/atomic_file.h"

namespace qmnmr::queue {
namespace {

struct Scan {
  std::size_t depth = 0;       // deepest level seen (capped at stop_at)
  std::size_t offset = 0;      // where the cap was reached
  std::string member;          // top-level key being read then
};

// One pass, no recursion: a counter for brackets outside strings, a flag for
// "inside a string" and one for "after a backslash".
Scan scan(std::string_view text, std::size_t stop_at) {
  Scan out;
  std::size_t level = 0;
  bool in_string = false, escaped = false;
  std::size_t string_start = 0;
  std::string_view last_top_string, top_member;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') {
        in_string = false;
        if (level == 1) last_top_string = text.substr(string_start, i - string_start);
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        string_start = i + 1;
        break;
      case ':':
        if (level == 1) top_member = last_top_string;
        break;
      case '[':
      case '{':
        ++level;
        if (level > out.depth) {
          out.depth = level;
          if (level >= stop_at) {
            out.offset = i;
            out.member = std::string(top_member.substr(0, 80));
            return out;
          }
        }
        break;
      case ']':
      case '}':
        if (level > 0) --level;
        if (level == 0) top_member = {};
        break;
      default:
        break;
    }
  }
  return out;
}

}  // namespace

std::size_t json_depth(std::string_view text, std::size_t stop_at) {
  return scan(text, stop_at).depth;
}

void check_json_size(std::uintmax_t bytes, const std::string& what, std::size_t max_bytes) {
  if (bytes > max_bytes)
    throw JsonLimitError(what + " is " + std::to_string(bytes) +
                             " bytes, more than qmnmr's limit of " + std::to_string(max_bytes) +
                             " bytes for it; a qmnmr document is far smaller: check what wrote it",
                         JsonLimitError::Limit::size, {});
}

void check_json_limits(std::string_view text, const std::string& what, std::size_t max_bytes) {
  check_json_size(text.size(), what, max_bytes);
  const Scan s = scan(text, kMaxJsonDepth + 1);
  if (s.depth > kMaxJsonDepth)
    throw JsonLimitError(what + " nests arrays/objects deeper than qmnmr's limit of " +
                             std::to_string(kMaxJsonDepth) + " levels (at byte " +
                             std::to_string(s.offset) +
                             (s.member.empty() ? std::string() : ", in \"" + s.member + "\"") +
                             "); no qmnmr document comes near that: check what wrote it",
                         JsonLimitError::Limit::depth, s.member);
}

nlohmann::json parse_json(std::string_view text, const std::string& what, std::size_t max_bytes) {
  check_json_limits(text, what, max_bytes);
  return nlohmann::json::parse(text);
}

nlohmann::json read_json_file(const std::filesystem::path& path, std::size_t max_bytes) {
  std::error_code ec;
  if (const auto size = std::filesystem::file_size(path, ec); !ec)
    check_json_size(size, path.string(), max_bytes);
  return parse_json(read_file(path), path.string(), max_bytes);
}

std::optional<int> int_within(const nlohmann::json& value, int low, int high) {
  if (value.is_number_unsigned()) {
    const auto v = value.get<std::uint64_t>();
    if (high < 0 || v > static_cast<std::uint64_t>(high) ||
        (low > 0 && v < static_cast<std::uint64_t>(low)))
      return std::nullopt;
    return static_cast<int>(v);
  }
  if (value.is_number_integer()) {
    const auto v = value.get<std::int64_t>();
    if (v < low || v > high) return std::nullopt;
    return static_cast<int>(v);
  }
  return std::nullopt;
}

}  // namespace qmnmr::queue
