// The Prometheus text of /metrics: route labels, request counts, and the
// rendering of the queue's, the workers' and the API's figures.
#include "runner/api/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <set>

namespace qmnmr::api {
namespace {

// A label value with \, " and newline escaped, as the format asks.
std::string escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// A sample value: integers without a fraction, others in the fewest digits
// that read back as the same double (0.005, not 0.0050000000000000001); +Inf/NaN spelled as the format spells them.
std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[40];
  for (int digits = 6; digits <= 17; ++digits) {  // the shortest that reads back the same
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

using Labels = std::vector<std::pair<std::string, std::string>>;

std::string labels(const Labels& l) {
  if (l.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < l.size(); ++i) {
    if (i) out += ",";
    out += l[i].first + "=\"" + escape(l[i].second) + "\"";
  }
  return out + "}";
}

class Writer {
 public:
  void family(const std::string& name, const char* type, const char* help) {
    text_ += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  void sample(const std::string& name, const Labels& l, double v) {
    text_ += name + labels(l) + " " + number(v) + "\n";
  }
  // The _bucket, _sum and _count samples of one histogram.
  void histogram(const std::string& name, Labels l, const std::vector<double>& bounds,
                 const std::vector<int64_t>& cumulative, int64_t count, double sum) {
    for (size_t i = 0; i < bounds.size(); ++i) {
      Labels b = l;
      b.emplace_back("le", number(bounds[i]));
      sample(name + "_bucket", b, i < cumulative.size() ? static_cast<double>(cumulative[i]) : 0);
    }
    Labels inf = l;
    inf.emplace_back("le", "+Inf");
    sample(name + "_bucket", inf, static_cast<double>(count));
    sample(name + "_sum", l, sum);
    sample(name + "_count", l, static_cast<double>(count));
  }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

}  // namespace

const std::vector<double>& request_duration_bounds() {
  static const std::vector<double> bounds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return bounds;
}

std::string route_label(std::string_view path) {
  static const std::set<std::string_view> fixed{
      "/",           "/health",           "/health/ready",        "/metrics",
      "/submit",     "/api/v1/jobs",      "/api/v1/jobs/upload",  "/api/v1/solvents",
      "/api/v1/presets", "/api/v1/jobs/solvents"};
  static const std::set<std::string> per_job{
      "results",      "geometry",   "geometry.sdf",    "nmredata.sdf",    "shifts.csv",
      "output",       "cancel",     "spectrum/1h.svg", "spectrum/13c.svg"};
  static const std::regex job(R"(/api/v1/jobs/[^/]+(/(.+))?)");
  static const std::regex page(R"(/(status|results)/[^/]+)");
  if (fixed.count(path)) return std::string(path);
  std::match_results<std::string_view::const_iterator> m;
  if (std::regex_match(path.begin(), path.end(), m, job)) {
    if (!m[1].matched) return "/api/v1/jobs/{id}";
    return per_job.count(m[2].str()) ? "/api/v1/jobs/{id}/" + m[2].str() : "other";
  }
  if (std::regex_match(path.begin(), path.end(), m, page)) return "/" + m[1].str() + "/{id}";
  return "other";
}

void RequestStats::record(const std::string& method, const std::string& route, int status,
                          double seconds) {
  std::lock_guard lock(mutex_);
  ++data_.requests[{method, route, status}];
  auto& l = data_.latency[route];
  const auto& bounds = request_duration_bounds();
  if (l.cumulative.empty()) l.cumulative.assign(bounds.size(), 0);
  for (size_t i = 0; i < bounds.size(); ++i)
    if (seconds <= bounds[i]) ++l.cumulative[i];
  ++l.count;
  l.sum += seconds;
}

RequestStats::Snapshot RequestStats::snapshot() const {
  std::lock_guard lock(mutex_);
  return data_;
}

std::string render_metrics(const queue::QueueFigures& queue,
                           const std::vector<container::WorkerBeat>& workers,
                           const RequestStats::Snapshot& requests, double now_unix,
                           std::string_view version) {
  Writer w;
  w.family("qmnmr_build_info", "gauge", "The qmnmr serving these metrics (always 1).");
  w.sample("qmnmr_build_info", {{"version", std::string(version)}}, 1);

  w.family("qmnmr_jobs", "gauge", "Jobs in the queue by state.");
  for (const auto& [state, n] : queue.jobs_by_state)
    w.sample("qmnmr_jobs", {{"state", state}}, static_cast<double>(n));
  w.family("qmnmr_queue_depth", "gauge", "Jobs waiting for a worker (state queued).");
  auto queued = queue.jobs_by_state.find("queued");
  w.sample("qmnmr_queue_depth", {},
           queued == queue.jobs_by_state.end() ? 0 : static_cast<double>(queued->second));
  w.family("qmnmr_queue_oldest_age_seconds", "gauge",
           "Age of the oldest queued job; 0 when none is queued.");
  w.sample("qmnmr_queue_oldest_age_seconds", {},
           queue.oldest_queued_created_at
               ? std::max(0.0, now_unix - *queue.oldest_queued_created_at)
               : 0.0);

  w.family("qmnmr_stage_duration_seconds", "histogram",
           "Wall time of each finished pipeline stage, as its worker recorded it.");
  for (const auto& [stage, h] : queue.stages)
    w.histogram("qmnmr_stage_duration_seconds", {{"stage", stage}}, queue::stage_duration_bounds(),
                h.cumulative, h.count, h.sum);
  w.family("qmnmr_stage_cpu_seconds_total", "counter",
           "CPU time of the programs each finished stage ran (every MPI rank counted).");
  for (const auto& [stage, h] : queue.stages)
    w.sample("qmnmr_stage_cpu_seconds_total", {{"stage", stage}}, h.cpu_sum);

  w.family("qmnmr_nwchem_runs_total", "counter",
           "NWChem runs by stage and failure class (none: a usable result; a retry is a run).");
  for (const auto& [key, t] : queue.nwchem_runs)
    w.sample("qmnmr_nwchem_runs_total", {{"stage", key.first}, {"failure", key.second}},
             static_cast<double>(t.runs));
  w.family("qmnmr_nwchem_run_seconds_total", "counter",
           "Wall time of NWChem runs by stage and failure class.");
  for (const auto& [key, t] : queue.nwchem_runs)
    w.sample("qmnmr_nwchem_run_seconds_total", {{"stage", key.first}, {"failure", key.second}},
             t.wall_seconds);
  w.family("qmnmr_nwchem_cached_runs_total", "counter",
           "NWChem calculations taken from the data root's run cache instead of run.");
  w.sample("qmnmr_nwchem_cached_runs_total", {}, static_cast<double>(queue.nwchem_cached));

  w.family("qmnmr_workers", "gauge", "Workers with a heartbeat file, by the state it says.");
  std::map<std::string, int> by_state{{"idle", 0}, {"busy", 0}, {"draining", 0}, {"stopped", 0}};
  for (const auto& b : workers) ++by_state[b.state];
  for (const auto& [state, n] : by_state) w.sample("qmnmr_workers", {{"state", state}}, n);
  w.family("qmnmr_worker_heartbeat_age_seconds", "gauge",
           "Seconds since each worker last wrote its heartbeat.");
  for (const auto& b : workers)
    w.sample("qmnmr_worker_heartbeat_age_seconds",
             {{"worker", b.worker_id}, {"host", b.hostname}, {"state", b.state}},
             std::max(0.0, now_unix - b.time_unix));

  w.family("qmnmr_api_requests_total", "counter",
           "Requests this qmnmr serve answered, by method, route and status code.");
  for (const auto& [key, n] : requests.requests) {
    const auto& [method, route, code] = key;
    w.sample("qmnmr_api_requests_total",
             {{"method", method}, {"route", route}, {"code", std::to_string(code)}},
             static_cast<double>(n));
  }
  w.family("qmnmr_api_request_duration_seconds", "histogram",
           "Time from a request's arrival to its answer, by route.");
  for (const auto& [route, l] : requests.latency)
    w.histogram("qmnmr_api_request_duration_seconds", {{"route", route}},
                request_duration_bounds(), l.cumulative, l.count, l.sum);
  return w.take();
}

}  // namespace qmnmr::api
