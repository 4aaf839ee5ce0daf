// is_valid_job_id, validate_job_id and generate_job_id.
#include "queue/job_id.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <system_error>

#include "queue/error.h"

namespace qmnmr::queue {
namespace {

bool allowed_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// Shows an id in an error message without letting control characters through.
std::string printable(std::string_view id) {
  std::string out;
  for (char c : id.substr(0, 80)) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  if (id.size() > 80) out += "...";
  return out;
}

}  // namespace

bool is_valid_job_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxJobIdLength) return false;
  if (id.front() == '.' || id.front() == '-') return false;
  for (char c : id) {
    if (!allowed_char(c)) return false;
  }
  return true;
}

void validate_job_id(std::string_view id) {
  if (is_valid_job_id(id)) return;
  std::string why;
  if (id.empty()) {
    why = "it is empty";
  } else if (id.size() > kMaxJobIdLength) {
    why = "it is longer than " + std::to_string(kMaxJobIdLength) + " characters";
  } else if (id.find('/') != std::string_view::npos || id.find("..") != std::string_view::npos) {
    why = "it looks like a path (no '/' or '..' allowed)";
  } else if (id.front() == '.' || id.front() == '-') {
    why = "it starts with '.' or '-'";
  } else {
    why = "it contains a character outside [A-Za-z0-9._-]";
  }
  throw QueueError("invalid job id \"" + printable(id) + "\": " + why +
                   "; use the id printed by `qmnmr submit` or `qmnmr list`");
}

std::string generate_job_id() {
  unsigned char bytes[6];
  size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "getrandom for a job id");
    }
    got += static_cast<size_t>(n);
  }
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  std::string id = std::string("j-") + stamp + "-";
  static const char* hex = "0123456789abcdef";
  for (unsigned char b : bytes) {
    id += hex[b >> 4];
    id += hex[b & 0xf];
  }
  return id;
}

}  // namespace qmnmr::queue
