// cmd_bench_api: start `qmnmr serve`, submit phase, status phase, memory.
#include "runner/modes/bench_api.h"

#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "container/supervisor.h"
#include "queue/atomic_file.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// VmRSS / VmHWM of `pid` in MB (0 when unreadable).
double proc_mb(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::stod(line.substr(key.size() + 1)) / 1024.0;
  return 0;
}

struct Phase {
  long ok = 0, failed = 0;
  double seconds = 0;
  std::vector<double> latencies_ms;
  double per_second() const { return seconds > 0 ? ok / seconds : 0; }
  double percentile(double p) const {
    if (latencies_ms.empty()) return 0;
    auto v = latencies_ms;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
  }
  json to_json() const {
    return {{"ok", ok}, {"failed", failed}, {"seconds", seconds}, {"per_second", per_second()},
            {"p50_ms", percentile(0.5)}, {"p99_ms", percentile(0.99)}};
  }
};

// `clients` threads, each with its own keep-alive connection, call `request`
// until `seconds` passed.
template <class F>
Phase load(int port, int clients, double seconds, F request) {
  Phase phase;
  std::mutex m;
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int k = 0; k < clients; ++k)
    threads.emplace_back([&, k] {
      httplib::Client c("127.0.0.1", port);
      c.set_keep_alive(true);
      c.set_tcp_nodelay(true);
      long ok = 0, failed = 0;
      std::vector<double> lat;
      for (long i = 0; Clock::now() < end; ++i) {
        const auto s = Clock::now();
        const bool good = request(c, k, i);
        lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
        (good ? ok : failed)++;
      }
      std::lock_guard lock(m);
      phase.ok += ok;
      phase.failed += failed;
      phase.latencies_ms.insert(phase.latencies_ms.end(), lat.begin(), lat.end());
    });
  for (auto& t : threads) t.join();
  phase.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return phase;
}

}  // namespace

int cmd_bench_api(const BenchApiOptions& o) {
  if (o.clients < 1 || o.seconds <= 0)
    throw std::invalid_argument("bench api: --clients and --seconds must be positive");
  const bool temporary = o.dir.empty();
  const fs::path dir = temporary ? fs::temp_directory_path() /
                                       ("qmnmr-bench-api-" + std::to_string(::getpid()))
                                 : fs::absolute(o.dir);
  fs::create_directories(dir);
  container::ProcessSpec spec;
  spec.argv = {fs::canonical("/proc/self/exe").string(), "serve", "--listen", "127.0.0.1:0",
               "--data", (dir / "data").string(), "--log-level", "warn"};
  spec.stdout_path = dir / "serve.out";
  spec.stderr_path = dir / "serve.err";
  std::atomic<bool> stop{false};
  std::atomic<pid_t> server_pid{0};
  container::Outcome outcome;
  std::thread server([&] {
    outcome = container::run_process(spec, [&] { return stop.load(); },
                                     [&](pid_t pid) { server_pid = pid; });
  });
  auto finish = [&] {
    stop = true;
    server.join();
    if (temporary) fs::remove_all(dir);
  };
  int port = 0;
  const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+))");
  for (int i = 0; i < 200 && port == 0; ++i) {
    std::smatch m;
    std::string out = fs::exists(spec.stdout_path) ? queue::read_file(spec.stdout_path) : "";
    if (std::regex_search(out, m, listening)) port = std::stoi(m[1]);
    else std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (port == 0) {
    finish();
    throw std::runtime_error("bench api: qmnmr serve did not start: " + outcome.describe());
  }
  const double idle_mb = proc_mb(server_pid, "VmRSS");

  std::vector<std::vector<std::string>> ids(o.clients);
  const std::string body = R"({"smiles": "CC(=O)Oc1ccccc1C(=O)O", "name": "aspirin", )"
                           R"("solvent": "chcl3", "preset": "test"})";
  Phase submits = load(port, o.clients, o.seconds, [&](httplib::Client& c, int k, long) {
    auto r = c.Post("/api/v1/jobs", body, "application/json");
    if (!r || r->status != 202) return false;
    ids[k].push_back(json::parse(r->body)["job_id"].get<std::string>());
    return true;
  });
  std::vector<std::string> all;
  for (const auto& v : ids) all.insert(all.end(), v.begin(), v.end());
  Phase reads;
  if (!all.empty())
    reads = load(port, o.clients, o.seconds, [&](httplib::Client& c, int k, long i) {
      const auto& id = all[static_cast<size_t>(i * o.clients + k) % all.size()];
      auto r = c.Get(("/api/v1/jobs/" + id).c_str());
      return r && r->status == 200;
    });
  const double rss_mb = proc_mb(server_pid, "VmRSS"), peak_mb = proc_mb(server_pid, "VmHWM");
  finish();

  json j{{"clients", o.clients},
         {"jobs_in_queue", all.size()},
         {"submit", submits.to_json()},
         {"get_job", reads.to_json()},
         {"server_rss_mb", {{"idle", idle_mb}, {"after", rss_mb}, {"peak", peak_mb}}},
         {"cpus", std::thread::hardware_concurrency()}};
  if (o.json) {
    std::cout << j.dump(2) << "\n";
  } else {
    std::printf("qmnmr serve under %d clients (%u CPUs; server and clients on the same machine)\n",
                o.clients, std::thread::hardware_concurrency());
    std::printf("  POST /api/v1/jobs     %8.1f submits/s   p50 %6.1f ms  p99 %6.1f ms  (%ld ok, %ld failed)\n",
                submits.per_second(), submits.percentile(0.5), submits.percentile(0.99), submits.ok,
                submits.failed);
    std::printf("  GET /api/v1/jobs/{id} %8.1f requests/s  p50 %6.1f ms  p99 %6.1f ms  (%ld ok, %ld failed; %zu jobs in the queue)\n",
                reads.per_second(), reads.percentile(0.5), reads.percentile(0.99), reads.ok,
                reads.failed, all.size());
    std::printf("  server resident memory: %.1f MB idle, %.1f MB after, %.1f MB peak\n", idle_mb,
                rss_mb, peak_mb);
  }
  return submits.failed + reads.failed == 0 ? 0 : 1;
}

}  // namespace qmnmr::runner
