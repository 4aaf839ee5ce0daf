// /metrics' text: route labels, request counts, and the exposition of hand-made
// figures checked line by line against the format's grammar (the browser
// test parses a live one with the Prometheus client's own parser).
#include "runner/api/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>

namespace qmnmr::api {
namespace {

using ::testing::HasSubstr;

TEST(RouteLabel, JobIdsBecomeOnePlaceholderAndUnknownPathsOther) {
  EXPECT_EQ(route_label("/api/v1/jobs"), "/api/v1/jobs");
  EXPECT_EQ(route_label("/api/v1/jobs/j-20261203T173455Z-b64ed6acfa7e"), "/api/v1/jobs/{id}");
  EXPECT_EQ(route_label("/api/v1/jobs/abc/results"), "/api/v1/jobs/{id}/results");
  EXPECT_EQ(route_label("/api/v1/jobs/abc/spectrum/1h.svg"), "/api/v1/jobs/{id}/spectrum/1h.svg");
  EXPECT_EQ(route_label("/api/v1/jobs/upload"), "/api/v1/jobs/upload");
  EXPECT_EQ(route_label("/status/abc"), "/status/{id}");
  EXPECT_EQ(route_label("/results/abc"), "/results/{id}");
  EXPECT_EQ(route_label("/metrics"), "/metrics");
  EXPECT_EQ(route_label("/api/v1/jobs/abc/../../etc/passwd"), "other");
  EXPECT_EQ(route_label("/wp-login.php"), "other");
}

TEST(RequestStats, CountsByMethodRouteAndCodeWithCumulativeLatency) {
  RequestStats s;
  s.record("GET", "/health", 200, 0.001);
  s.record("GET", "/health", 200, 0.2);
  s.record("POST", "/api/v1/jobs", 400, 0.03);
  const auto snap = s.snapshot();
  EXPECT_EQ(snap.requests.at({"GET", "/health", 200}), 2);
  EXPECT_EQ(snap.requests.at({"POST", "/api/v1/jobs", 400}), 1);
  const auto& l = snap.latency.at("/health");
  EXPECT_EQ(l.count, 2);
  EXPECT_NEAR(l.sum, 0.201, 1e-12);
  // Bounds 0.005 0.01 0.025 0.05 0.1 0.25 ...: 0.001 in all, 0.2 from 0.25 on.
  EXPECT_EQ(l.cumulative[0], 1);
  EXPECT_EQ(l.cumulative[4], 1);
  EXPECT_EQ(l.cumulative[5], 2);
}

// The exposition format's line grammar: comments (HELP/TYPE) or samples.
const std::regex kSample(
    R"re(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*)?\})? ([-+0-9.eE]+|\+Inf|-Inf|NaN))re");
const std::regex kType(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");

TEST(RenderMetrics, EveryLineFollowsTheFormatAndTheFiguresAreThere) {
  queue::QueueFigures q;
  q.jobs_by_state = {{"queued", 2}, {"running", 1}, {"complete", 5}, {"failed", 1},
                     {"cancelled", 0}};
  q.oldest_queued_created_at = 1000.0;
  queue::DurationHistogram h;
  h.cumulative = {0, 0, 0, 1, 1, 1, 2, 2};
  h.count = 2;
  h.sum = 4120;
  h.cpu_sum = 8130;
  q.stages["shielding"] = h;
  q.nwchem_runs[{"shielding", "none"}] = {2, 4100};
  q.nwchem_runs[{"dft_opt", "scf_not_converged"}] = {1, 20};
  q.nwchem_cached = 3;
  container::WorkerBeat b;
  b.worker_id = "vm-1";
  b.hostname = "host \"a\"";
  b.state = "busy";
  b.time_unix = 1990;
  RequestStats s;
  s.record("GET", "/metrics", 200, 0.002);
  const std::string text = render_metrics(q, {b}, s.snapshot(), 2000.0, "0.1.0");

  std::map<std::string, std::string> types;
  std::istringstream lines(text);
  std::map<std::string, double> value;
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (line.rfind("# HELP ", 0) == 0) continue;
    if (std::regex_match(line, m, kType)) {
      EXPECT_FALSE(types.count(m[1])) << "TYPE twice: " << line;
      types[m[1]] = m[2];
      continue;
    }
    ASSERT_TRUE(std::regex_match(line, m, kSample)) << "not a sample line: " << line;
    std::string family = m[1];
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      if (!types.count(family) && family.size() > 7 &&
          family.rfind(suffix) == family.size() - std::string(suffix).size())
        family = family.substr(0, family.size() - std::string(suffix).size());
    EXPECT_TRUE(types.count(family)) << "sample before its TYPE: " << line;
    value[line.substr(0, line.rfind(' '))] = std::stod(m[7] == "+Inf" ? "inf" : m[7].str());
  }
  EXPECT_EQ(types["qmnmr_stage_duration_seconds"], "histogram");
  EXPECT_EQ(types["qmnmr_nwchem_runs_total"], "counter");
  EXPECT_EQ(value["qmnmr_jobs{state=\"complete\"}"], 5);
  EXPECT_EQ(value["qmnmr_queue_depth"], 2);
  EXPECT_EQ(value["qmnmr_queue_oldest_age_seconds"], 1000);
  EXPECT_EQ(value["qmnmr_stage_duration_seconds_bucket{stage=\"shielding\",le=\"300\"}"], 1);
  EXPECT_EQ(value["qmnmr_stage_duration_seconds_bucket{stage=\"shielding\",le=\"+Inf\"}"], 2);
  EXPECT_EQ(value["qmnmr_stage_duration_seconds_count{stage=\"shielding\"}"], 2);
  EXPECT_EQ(value["qmnmr_stage_duration_seconds_sum{stage=\"shielding\"}"], 4120);
  EXPECT_EQ(value["qmnmr_nwchem_runs_total{stage=\"dft_opt\",failure=\"scf_not_converged\"}"], 1);
  EXPECT_EQ(value["qmnmr_nwchem_cached_runs_total"], 3);
  EXPECT_EQ(value["qmnmr_workers{state=\"busy\"}"], 1);
  EXPECT_EQ(value["qmnmr_workers{state=\"stopped\"}"], 0);
  // A quote in a label value is escaped, not a break in the line.
  EXPECT_EQ(value["qmnmr_worker_heartbeat_age_seconds{worker=\"vm-1\",host=\"host \\\"a\\\"\","
                  "state=\"busy\"}"],
            10);
  EXPECT_EQ(value["qmnmr_api_requests_total{method=\"GET\",route=\"/metrics\",code=\"200\"}"], 1);
  EXPECT_EQ(value["qmnmr_api_request_duration_seconds_bucket{route=\"/metrics\",le=\"0.005\"}"],
            1);
  EXPECT_THAT(text, HasSubstr("qmnmr_build_info{version=\"0.1.0\"} 1\n"));
}

TEST(RenderMetrics, AnEmptyQueueSaysZeroNotNothing) {
  queue::QueueFigures q;
  q.jobs_by_state = {{"queued", 0}};
  const std::string text = render_metrics(q, {}, {}, 2000.0, "0.1.0");
  EXPECT_THAT(text, HasSubstr("qmnmr_queue_depth 0\n"));
  EXPECT_THAT(text, HasSubstr("qmnmr_queue_oldest_age_seconds 0\n"));
  EXPECT_THAT(text, HasSubstr("qmnmr_nwchem_cached_runs_total 0\n"));
}

}  // namespace
}  // namespace qmnmr::api
