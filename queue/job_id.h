// Job ids: generated ids ("j-20250101T120000Z-3fa94c0e12ab") and the check that
// every id coming from outside (command line, HTTP, files) is a plain file
// name: [A-Za-z0-9._-], 1..64 characters, not starting with '.' or '-'.
#pragma once
#include <string>
#include <string_view>

namespace qmnmr::queue {

inline constexpr size_t kMaxJobIdLength = 64;

// True when `id` is safe to use as a directory name under data/jobs/.
bool is_valid_job_id(std::string_view id);

// Throws QueueError naming what is wrong with `id` (empty, too long, path
// traversal, a character outside [A-Za-z0-9._-], ...).
void validate_job_id(std::string_view id);

// A new id: "j-" + UTC time (YYYYMMDDTHHMMSSZ) + "-" + 12 random hex digits
// from getrandom(2), so ids sort by submission time and forked processes do
// not repeat each other.
std::string generate_job_id();

}  // namespace qmnmr::queue
