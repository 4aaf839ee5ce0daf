// JobQueue's figures: each run's stage times and NWChem runs recorded under
// the worker's claim, and the totals over the queue that /metrics reads.
#include <string_view>

#include "queue/job_queue.h"
#include "queue/sqlite_db.h"

namespace qmnmr::queue {

bool JobQueue::record_figures(const Claim& claim, const JobFigures& figures) {
  const double t = now();
  ImmediateTransaction tx(*db_);
  {
    Statement held(*db_,
                   "SELECT 1 FROM jobs WHERE id = ?1 AND lease_owner = ?2 AND claims = ?3 "
                   "AND state = 'running'");
    held.bind(1, std::string_view(claim.id)).bind(2, std::string_view(claim.owner));
    held.bind(3, claim.fence);
    if (!held.step()) return false;
  }
  Statement stage(*db_,
                  "INSERT INTO stage_times (job_id, at, stage, wall_seconds, cpu_seconds) "
                  "VALUES (?1, ?2, ?3, ?4, ?5)");
  for (const auto& s : figures.stages) {
    stage.reset();
    stage.bind(1, std::string_view(claim.id)).bind(2, t).bind(3, std::string_view(s.stage));
    stage.bind(4, s.wall_seconds).bind(5, s.cpu_seconds).run();
  }
  Statement run(*db_,
                "INSERT INTO nwchem_runs (job_id, at, stage, failure, cached, wall_seconds) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  for (const auto& r : figures.nwchem_runs) {
    run.reset();
    run.bind(1, std::string_view(claim.id)).bind(2, t).bind(3, std::string_view(r.stage));
    run.bind(4, std::string_view(r.failure)).bind(5, r.cached ? 1 : 0).bind(6, r.wall_seconds);
    run.run();
  }
  tx.commit();
  return true;
}

QueueFigures JobQueue::figures() {
  ReadTransaction snapshot(*db_);
  QueueFigures out;
  for (auto s : {JobState::queued, JobState::running, JobState::complete, JobState::failed,
                 JobState::cancelled})
    out.jobs_by_state[std::string(to_string(s))] = 0;
  {
    Statement st(*db_, "SELECT state, count(*) FROM jobs GROUP BY state");
    while (st.step()) out.jobs_by_state[st.text(0)] = st.int64(1);
  }
  {
    Statement st(*db_, "SELECT min(created_at) FROM jobs WHERE state = 'queued'");
    st.step();
    out.oldest_queued_created_at = st.opt_real(0);
  }
  {
    // One pass per stage: the cumulative bucket counts in SQL, not the rows.
    std::string sql = "SELECT stage, count(*), total(wall_seconds), total(cpu_seconds)";
    for (double b : stage_duration_bounds())
      sql += ", total(wall_seconds <= " + std::to_string(b) + ")";
    sql += " FROM stage_times GROUP BY stage";
    Statement st(*db_, sql.c_str());
    while (st.step()) {
      auto& h = out.stages[st.text(0)];
      h.count = st.int64(1);
      h.sum = st.real(2);
      h.cpu_sum = st.real(3);
      for (size_t i = 0; i < stage_duration_bounds().size(); ++i)
        h.cumulative.push_back(static_cast<int64_t>(st.real(static_cast<int>(4 + i))));
    }
  }
  {
    Statement st(*db_,
                 "SELECT stage, failure, count(*), total(wall_seconds) FROM nwchem_runs "
                 "WHERE cached = 0 GROUP BY stage, failure");
    while (st.step()) out.nwchem_runs[{st.text(0), st.text(1)}] = {st.int64(2), st.real(3)};
  }
  {
    Statement st(*db_, "SELECT count(*) FROM nwchem_runs WHERE cached != 0");
    st.step();
    out.nwchem_cached = st.int64(0);
  }
  return out;
}

}  // namespace qmnmr::queue
