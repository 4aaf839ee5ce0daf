// `qmnmr serve`: the HTTP API and web page (runner/api) over a data root's
// queue and job store, until SIGINT or SIGTERM.
#pragma once
#include <string>

#include "runner/modes/config.h"

namespace qmnmr::runner {

struct ServeOptions {
  std::string listen = "127.0.0.1:8000";  // host:port; port 0 picks a free one
  double max_body_mb = 4;
  double worker_max_age = 60;  // seconds, for /health/ready
};

// Splits "host:port" ("[::1]:8000" for IPv6); throws std::invalid_argument
// naming the fix.
std::pair<std::string, int> parse_listen(const std::string& listen);

// Serves; prints "qmnmr serve: listening on http://HOST:PORT" to stdout once
// bound. Returns 0 after a signal stopped it. The token comes from
// QMNMR_API_TOKEN.
int cmd_serve(const Config& config, const ServeOptions& options);

}  // namespace qmnmr::runner
