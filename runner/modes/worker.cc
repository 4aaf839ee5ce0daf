// run_worker: the claim -> run -> complete loop, its heartbeat and its drain.
#include "runner/modes/worker.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>

#include "container/heartbeat.h"
#include "container/reaper.h"
#include "container/signals.h"
#include "queue/filesystem_check.h"
#include "queue/job_queue.h"
#include "queue/job_status.h"
#include "queue/job_store.h"
#include "runner/modes/app.h"
#include "runner/modes/logging.h"
#include "runner/pipeline/pipeline.h"
#include "runner/resources/shm_check.h"
#include "runner/pipeline/status_file.h"
#include "runner/pipeline/tool_versions.h"

namespace qmnmr::runner {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// The claim the heartbeat extends, shared between the job and the beat.
struct CurrentJob {
  std::mutex mutex;
  std::optional<queue::Claim> claim;
  std::atomic<bool> cancel_requested{false};
  std::atomic<bool> lease_lost{false};
};

// When the first stop signal arrived (for the drain deadline).
struct DrainClock {
  std::optional<Clock::time_point> since;
  bool started() {
    if (!since && container::SignalMonitor::stop_requested()) since = Clock::now();
    return since.has_value();
  }
};

}  // namespace

int run_worker(Config config, const WorkerOptions& options) {
  if (options.worker_id) config.set("worker_id", *options.worker_id, Origin{"--worker-id"});
  if (options.force_network_fs) config.set("force_network_fs", "true", Origin{"--force-network-fs"});
  queue::JobStore store(config.data_dir.value);
  if (auto warning = queue::require_local_filesystem(store.root(), config.force_network_fs.value))
    spdlog::warn("{}", *warning);
  store.ensure_layout();
  queue::JobQueue jobs(store.queue_db_path());

  const std::string id = default_worker_id(config);
  auto plan = plan_for(config, environment_map());
  plan.require_runnable();
  container::SignalMonitor signals;
  if (!container::is_pid1()) container::become_subreaper();
  container::OrphanReaper reaper;

  for (const auto& r : jobs.recover_owner(id))
    spdlog::info("recovered job {} from an earlier run of worker {}: {}", r.id, id, r.reason);

  auto lease = std::chrono::seconds(static_cast<long>(config.lease_seconds.value));
  container::WorkerState state(id);
  CurrentJob current;
  // The heartbeat thread has its own connection (one per thread).
  queue::JobQueue beat_queue(store.queue_db_path());
  container::HeartbeatWriter heartbeat(
      store.root(), state,
      std::chrono::milliseconds(static_cast<long>(config.heartbeat_seconds.value * 1000)), [&] {
        std::lock_guard lock(current.mutex);
        if (!current.claim) return;
        switch (beat_queue.extend_lease(*current.claim, lease)) {
          case queue::LeaseStatus::ok: break;
          case queue::LeaseStatus::cancel_requested: current.cancel_requested = true; break;
          case queue::LeaseStatus::lost: current.lease_lost = true; break;
        }
      });
  spdlog::info(
      "worker {} started: data {}, {} rank(s) x {} MB, {} thread(s) for xTB, conformer engine {}",
      id, store.root().string(), plan.ranks, plan.nwchem_memory_mb_per_rank, plan.omp_threads,
      tool_versions().value("crest", nlohmann::json()).is_null() ? "rdkit+xtb (no crest)"
                                                                  : "crest");

  DrainClock drain;
  const auto drain_for = std::chrono::duration<double>(config.drain_seconds.value);
  int done = 0;
  while (!drain.started()) {
    if (options.max_jobs && done >= *options.max_jobs) break;
    for (const auto& r : jobs.reap_expired())
      spdlog::warn("job {} of worker {} lost its lease: {}", r.id, r.previous_owner, r.reason);
    auto claim = jobs.claim(id, lease);
    if (!claim) {
      if (options.once) break;
      state.set_state(container::WorkerState::State::idle);
      for (int i = 0; i < 20 && !drain.started(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    {
      std::lock_guard lock(current.mutex);
      current.claim = claim;
      current.cancel_requested = false;
      current.lease_lost = false;
    }
    state.set_job(claim->id, claim->last_stage.value_or(""));
    heartbeat.beat_now();
    spdlog::info("job {}: claimed (attempt {}){}", claim->id, claim->attempt,
                 claim->last_stage ? ", resuming after " + *claim->last_stage : "");

    JobPaths paths{store.job_dir(claim->id)};
    paths.create();
    StatusFile status(paths.status(),
                      queue::initial_status(claim->id, claim->input, jobs.now()));
    status.doc()["worker_id"] = id;
    status.doc()["attempts"] = claim->attempt;
    // A resumed job keeps the NWChem version its runs reported (it keys the TMS reference).
    status.doc()["tool_versions"] =
        job_tool_versions(tool_versions(), status.doc().value("tool_versions", nlohmann::json()));

    ToolContext tc = job_tool_context(config, plan, paths);
    // Stop the running program: at once on SIGTERM/second SIGINT, cancel or
    // a lost lease; after the drain time on a first SIGINT.
    tc.should_stop = [&] {
      if (container::SignalMonitor::stop_now() || current.cancel_requested ||
          current.lease_lost)
        return true;
      return drain.started() && Clock::now() - *drain.since > drain_for;
    };
    // Start no new program once draining.
    tc.may_start = [&] { return !drain.started(); };
    tc.on_child = [&](pid_t pid, bool running) {
      running ? state.child_started(pid) : state.child_ended(pid);
    };
    ProcessToolRunner tools(tc);

    PipelineHooks hooks;
    hooks.stage_started = [&](const std::string& stage) {
      state.set_stage(stage);
      if (drain.started()) throw JobInterrupted("worker is draining");
      if (current.cancel_requested) throw JobInterrupted("cancel requested");
      if (current.lease_lost) throw JobInterrupted("lease lost");
    };
    hooks.stage_done = [&](const std::string& stage) { jobs.record_stage(*claim, stage); };

    const StatusMark mark = status_mark(status.doc());
    PipelineResult result;
    try {
      auto request = request_from_json(claim->input);
      result = run_pipeline(request, paths, status, tools, config.reference_cache(), hooks);
    } catch (const std::exception& e) {
      status.fail(std::string("bad job input: ") + e.what());
      result = PipelineResult::failed;
    }

    bool fenced_ok = true;
    std::string outcome;
    // What this run took, for /metrics; a lost lease records nothing.
    if (!current.lease_lost) try {
        jobs.record_figures(*claim, run_figures(status.doc(), mark));
      } catch (const std::exception& e) {  // the job's outcome matters more than its figures
        spdlog::warn("job {}: its stage times and NWChem runs were not recorded: {}", claim->id,
                     e.what());
      }
    if (current.lease_lost) {
      outcome = "lease lost; another worker owns the job now";
      fenced_ok = false;
    } else if (result == PipelineResult::complete) {
      fenced_ok = jobs.complete(*claim);
      outcome = "complete";
    } else if (result == PipelineResult::failed) {
      fenced_ok = jobs.fail(*claim, status.doc().value("error_message", std::string("failed")));
      outcome = "failed";
    } else if (current.cancel_requested) {
      fenced_ok = jobs.mark_cancelled(*claim);
      outcome = "cancelled";
    } else {
      fenced_ok = jobs.requeue(*claim, "worker " + id + " stopped (SIGINT/SIGTERM)");
      outcome = "requeued";
    }
    {
      std::lock_guard lock(current.mutex);
      current.claim.reset();
    }
    if (fenced_ok) {
      if (auto record = jobs.get(claim->id)) {
        queue::apply_record(status.doc(), *record);
        if (outcome == "cancelled") status.doc()["completed_at"] = iso_now();
        status.save();
      }
    }
    spdlog::info("job {}: {}", claim->id, outcome);
    state.clear_job();
    heartbeat.beat_now();
    ++done;
  }
  state.set_state(container::WorkerState::State::draining);
  heartbeat.stop();
  // Leave no MPI shared-memory segments of ours behind: those no process
  // maps any more (a segment another job is just creating is younger than
  // the default minimum age and is left alone).
  auto stale = find_stale_segments(config.shm_dir.value);
  if (int n = remove_stale_segments(stale); n > 0)
    spdlog::info("removed {} stale shared-memory segment(s) from {}", n,
                 config.shm_dir.value.string());
  spdlog::info("worker {} stopped after {} job(s)", id, done);
  return 0;
}

}  // namespace qmnmr::runner
