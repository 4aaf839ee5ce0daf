// A fixture for the worker itests: a temporary data root, the worker's
// environment (short heartbeat and lease, the build's shared TMS reference),
// submit through the CLI, and reads of heartbeats, status.json and the queue.
#pragma once
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "queue/atomic_file.h"
#include "queue/job_queue.h"
#include "queue/job_store.h"
#include "support/qmnmr_process.h"
#include "support/worker_process.h"

namespace qmnmr::worker_testing {

class WorkerItest : public ::testing::Test {
 protected:
  testing::TempDir tmp_{"worker-itest"};
  std::filesystem::path data_ = tmp_.path() / "data";
  std::filesystem::path logs_ = tmp_.path() / "logs";
  queue::JobStore store_{data_};

  // The environment of every qmnmr the test starts.
  Env env(double drain_seconds = 1) const {
    return {{"QMNMR_DATA", data_.string()},
            {"QMNMR_HEARTBEAT_SECONDS", "1"},
            {"QMNMR_LEASE_SECONDS", "4"},
            {"QMNMR_DRAIN_SECONDS", std::to_string(drain_seconds)},
            {"QMNMR_REFERENCE_DIR", testing::shared_reference_dir().string()},
            {"QMNMR_RANKS", "1"},
            {"QMNMR_LOG_LEVEL", "info"},
            {"OMPI_ALLOW_RUN_AS_ROOT", "1"},
            {"OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"}};
  }

  // Ethanol, one conformer, test preset, vacuum: a few seconds per NWChem step.
  static std::vector<std::string> ethanol(std::vector<std::string> extra = {}) {
    std::vector<std::string> a{"submit", "--smiles", "CCO", "--preset", "test", "--conformers",
                               "single", "--solvent", "vacuum"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }

  // Submits through the CLI and returns the printed id.
  std::string submit(const std::vector<std::string>& args, const Env& extra_env = {}) {
    Env e = env();
    for (const auto& [k, v] : extra_env) e[k] = v;
    auto r = run_qmnmr(args, e);
    EXPECT_EQ(r.code, 0) << r.err;
    std::string id = r.out;
    while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
    EXPECT_FALSE(id.empty());
    return id;
  }

  std::unique_ptr<QmnmrProcess> start_worker(const std::string& id,
                                             std::vector<std::string> extra = {},
                                             double drain_seconds = 1, Env extra_env = {},
                                             const std::filesystem::path& cwd = {}) {
    std::vector<std::string> a{"worker", "--worker-id", id};
    a.insert(a.end(), extra.begin(), extra.end());
    Env e = env(drain_seconds);
    for (const auto& [k, v] : extra_env) e[k] = v;
    return std::make_unique<QmnmrProcess>(a, e, logs_, id, cwd);
  }

  nlohmann::json read_json_file(const std::filesystem::path& p) const {
    try {
      return nlohmann::json::parse(queue::read_file(p));
    } catch (const std::exception&) {
      return nlohmann::json();
    }
  }
  nlohmann::json heartbeat(const std::string& worker) const {
    return read_json_file(data_ / "workers" / (worker + ".json"));
  }
  nlohmann::json status_json(const std::string& job) const {
    return read_json_file(store_.status_path(job));
  }
  queue::JobRecord record(const std::string& job) const {
    queue::JobQueue q(store_.queue_db_path());
    auto r = q.get(job);
    if (!r) throw std::runtime_error("no job " + job);
    return *r;
  }

  // Waits until `worker` runs NWChem for `job`: the heartbeat names the job,
  // a DFT stage and a child pid, and an nwchem process works in the job's folder.
  bool wait_in_nwchem(const std::string& worker, const std::string& job,
                      std::chrono::seconds timeout) {
    return wait_until(
        [&] {
          auto hb = heartbeat(worker);
          if (!hb.is_object() || hb.value("job_id", nlohmann::json()) != job) return false;
          auto stage = hb.value("stage", nlohmann::json());
          if (stage != "dft_opt" && stage != "shielding") return false;
          if (!hb["child_pid"].is_number()) return false;
          return !processes_under(store_.job_dir(job), "nwchem").empty();
        },
        timeout, std::chrono::milliseconds(50));
  }

  // The stages of status.json steps_completed, in order.
  std::vector<std::string> steps_completed(const std::string& job) const {
    std::vector<std::string> out;
    auto s = status_json(job);
    if (s.contains("steps_completed"))
      for (const auto& step : s["steps_completed"]) out.push_back(step.value("step", ""));
    return out;
  }
};

}  // namespace qmnmr::worker_testing
