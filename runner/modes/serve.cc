// cmd_serve: bind, announce, serve, stop on a signal.
#include "runner/modes/serve.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include <spdlog/spdlog.h>

#include "container/signals.h"
#include "queue/filesystem_check.h"
#include "runner/api/api_server.h"

namespace qmnmr::runner {

std::pair<std::string, int> parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  const std::string fix = "give --listen HOST:PORT, e.g. 127.0.0.1:8000 or 0.0.0.0:8000";
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size())
    throw std::invalid_argument("--listen '" + listen + "' is not HOST:PORT; " + fix);
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port_text = listen.substr(colon + 1);
  size_t used = 0;
  long port = -1;
  try {
    port = std::stol(port_text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != port_text.size() || port < 0 || port > 65535)
    throw std::invalid_argument("--listen port '" + port_text + "' is not 0-65535; " + fix);
  return {host, static_cast<int>(port)};
}

int cmd_serve(const Config& config, const ServeOptions& options) {
  auto [host, port] = parse_listen(options.listen);
  if (options.max_body_mb <= 0) throw std::invalid_argument("--max-body must be positive");
  if (auto warning = queue::require_local_filesystem(config.data_dir.value, false))
    spdlog::warn("{}", *warning);
  api::ApiOptions o;
  o.data_root = config.data_dir.value;
  if (const char* token = std::getenv("QMNMR_API_TOKEN")) o.token = token;
  o.max_body_bytes = static_cast<size_t>(options.max_body_mb * 1024 * 1024);
  o.worker_max_age = std::chrono::seconds(static_cast<long>(options.worker_max_age));
  o.defaults = {config.solvent.value, config.preset.value, config.max_conformers.value};
  api::ApiServer server(o);
  const int bound = server.bind(host, port);
  container::SignalMonitor signals;
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done.load()) {
      if (container::SignalMonitor::stop_requested()) {
        spdlog::info("serve: stopping on a signal");
        server.stop();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  const std::string url = "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) +
                          ":" + std::to_string(bound);
  std::printf("qmnmr serve: listening on %s (data %s%s)\n", url.c_str(),
              o.data_root.string().c_str(), o.token.empty() ? "" : ", token required to submit");
  std::fflush(stdout);
  spdlog::info("serve: {} over {}", url, o.data_root.string());
  if (host != "127.0.0.1" && host != "localhost" && host != "::1" && o.token.empty())
    spdlog::warn("serve: listening beyond loopback without QMNMR_API_TOKEN: anyone who reaches "
                 "{} can submit and cancel jobs", url);
  const bool ok = server.run();
  done = true;
  watcher.join();
  if (!ok && !container::SignalMonitor::stop_requested())
    throw std::runtime_error("the server on " + url + " stopped: its socket failed");
  return 0;
}

}  // namespace qmnmr::runner
