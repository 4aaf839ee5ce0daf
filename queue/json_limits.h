// Limits on every JSON text qmnmr reads from outside (API bodies and form
// fields, calibration files, input.json and status.json read back, queue
// rows): a size and a nesting depth checked by a non-recursive scan of the raw
// text BEFORE nlohmann parses it, because copying, dumping and comparing a
// parsed value recurse once per level (200,000 nested brackets, 400 kB, are a
// stack overflow). Also the range check of an integer read from such a text.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "queue/error.h"

namespace qmnmr::queue {

// Deepest nesting of arrays and objects accepted. qmnmr's own documents stay
// far below it: measured on a water job, status.json is 5 deep, results.json 4,
// input.json 1 (4 with a calibration; --stereoisomers all adds a level or two
// to the summaries); 64 leaves room for any client's extras and still bounds the
// recursion of a parsed value far below a thread's stack.
inline constexpr std::size_t kMaxJsonDepth = 64;
// Largest JSON text accepted: a water job's status.json is 9.5 kB, and it
// grows with atoms x conformers far below this; API bodies are also held to
// --max-body (default 4 MB).
inline constexpr std::size_t kMaxJsonBytes = 16u << 20;

// A JSON text beyond one of the limits: which one, and the top-level member
// (object key) it was reached in, when there is one ("calibration").
class JsonLimitError : public QueueError {
 public:
  enum class Limit { depth, size };
  JsonLimitError(const std::string& what, Limit limit, std::string member)
      : QueueError(what), limit(limit), member(std::move(member)) {}
  Limit limit;
  std::string member;
};

// The deepest nesting of arrays and objects in `text` (0 for a scalar),
// brackets inside strings (with their escapes) not counted. Never recurses
// and never throws; stops counting at `stop_at` levels.
std::size_t json_depth(std::string_view text, std::size_t stop_at = SIZE_MAX);

// Throws JsonLimitError naming `what` (e.g. "the request body", a file name),
// the limit and the fix when `text` is larger than `max_bytes` or nested
// deeper than kMaxJsonDepth.
void check_json_limits(std::string_view text, const std::string& what,
                       std::size_t max_bytes = kMaxJsonBytes);

// Throws JsonLimitError when a text (or file) of `bytes` bytes is larger than
// `max_bytes`: for a file, before it is read.
void check_json_size(std::uintmax_t bytes, const std::string& what,
                     std::size_t max_bytes = kMaxJsonBytes);

// check_json_limits, then nlohmann::json::parse: what nlohmann refuses is
// still its nlohmann::json::exception (parse_error; out_of_range for a number
// beyond a double, such as 1e999).
nlohmann::json parse_json(std::string_view text, const std::string& what,
                          std::size_t max_bytes = kMaxJsonBytes);

// A JSON file read and parsed within the limits: a file larger than
// `max_bytes` is refused before it is read. Throws JsonLimitError,
// std::system_error (cannot read) or nlohmann::json::exception.
nlohmann::json read_json_file(const std::filesystem::path& path,
                              std::size_t max_bytes = kMaxJsonBytes);

// `value` as an int when it is a JSON integer from `low` to `high`, else
// nullopt (a float, a string, or an integer out of range: get<int>() would
// narrow 4294967296 to 0).
std::optional<int> int_within(const nlohmann::json& value, int low, int high);

}  // namespace qmnmr::queue
