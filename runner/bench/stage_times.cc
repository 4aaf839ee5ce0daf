// stage_times: durations per stage, summarised.
#include "runner/bench/stage_times.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace qmnmr::bench {

std::vector<StageTimes> stage_times(const std::vector<nlohmann::json>& status_docs) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<double>> per_stage;
  for (const auto& doc : status_docs) {
    std::map<std::string, double> job;
    for (const auto& step : doc.value("steps_completed", nlohmann::json::array())) {
      const std::string name = step.value("step", std::string());
      if (name.empty()) continue;
      if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
      job[name] += step.value("duration_seconds", 0.0);
    }
    for (const auto& [name, seconds] : job) per_stage[name].push_back(seconds);
  }
  double all = 0;
  for (const auto& [name, v] : per_stage)
    for (double s : v) all += s;
  std::vector<StageTimes> rows;
  for (const auto& name : order) {
    auto v = per_stage[name];
    std::sort(v.begin(), v.end());
    StageTimes t;
    t.stage = name;
    t.count = static_cast<int>(v.size());
    t.min = v.front();
    t.max = v.back();
    t.median = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
    for (double s : v) t.total += s;
    t.share = all > 0 ? t.total / all : 0;
    rows.push_back(t);
  }
  return rows;
}

std::string stage_times_table(const std::vector<StageTimes>& rows, size_t jobs) {
  std::string s;
  char line[160];
  std::snprintf(line, sizeof line, "%-12s %6s %10s %10s %10s %11s %7s\n", "stage", "jobs",
                "min s", "median s", "max s", "total s", "share");
  s += line;
  for (const auto& r : rows) {
    std::snprintf(line, sizeof line, "%-12s %6d %10.2f %10.2f %10.2f %11.1f %6.1f%%\n",
                  r.stage.c_str(), r.count, r.min, r.median, r.max, r.total, 100 * r.share);
    s += line;
  }
  std::snprintf(line, sizeof line, "%zu finished job%s\n", jobs, jobs == 1 ? "" : "s");
  return s + line;
}

}  // namespace qmnmr::bench
