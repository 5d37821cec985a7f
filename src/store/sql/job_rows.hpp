#pragma once
// Private to the store module: the jobs table's row, shared by job_repo.cpp (definitions, runs,
// leases) and job_schedule.cpp (the scheduler's state and claims).

#include <fmt/format.h>

#include <string>

#include "domain/job.hpp"
#include "store/sql/sql_context.hpp"

namespace avni::store::job_sql {

inline constexpr const char* kJobColumns =
    "jobs.id, jobs.tenant_id, jobs.name, jobs.cron, jobs.enabled, jobs.timezone, jobs.settings, "
    "jobs.paused, jobs.pause_reason, jobs.run_requested_at, jobs.consecutive_failures, "
    "jobs.last_fire_at";

inline const std::string kSelectJob =
    std::string("SELECT ") + kJobColumns + " FROM jobs WHERE jobs.tenant_id = :tenant ";

struct JobRow {
  long long id = 0, tenant_id = 0;
  std::string name, cron;
  int enabled = 1;
  std::string timezone, settings;
  int paused = 0;
  std::string pause_reason;
  NullableInt64 run_requested_at;
  int consecutive_failures = 0;
  NullableInt64 last_fire_at;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(name));
    st.exchange(soci::into(cron));
    st.exchange(soci::into(enabled));
    st.exchange(soci::into(timezone));
    st.exchange(soci::into(settings));
    st.exchange(soci::into(paused));
    st.exchange(soci::into(pause_reason));
    st.exchange(soci::into(run_requested_at.value, run_requested_at.ind));
    st.exchange(soci::into(consecutive_failures));
    st.exchange(soci::into(last_fire_at.value, last_fire_at.ind));
  }
  Job ToJob() const {
    Job job{id, TenantId{tenant_id}, name, cron, enabled != 0, timezone, settings};
    job.paused = paused != 0;
    job.pause_reason = pause_reason;
    if (auto t = run_requested_at.get()) job.run_requested_at = AtMillis(*t);
    job.consecutive_failures = consecutive_failures;
    if (auto t = last_fire_at.get()) job.last_fire_at = AtMillis(*t);
    return job;
  }
};

inline constexpr const char* kSelectRun =
    "SELECT id, tenant_id, job_id, started_at, finished_at, status, read_count, written_count, "
    "failed_count, skipped_count, message, instance FROM runs WHERE tenant_id = :tenant ";

struct RunRow {
  long long id = 0, tenant_id = 0, job_id = 0, started_at = 0;
  NullableInt64 finished_at;
  std::string status;
  long long read = 0, written = 0, failed = 0, skipped = 0;
  std::string message, instance;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(job_id));
    st.exchange(soci::into(started_at));
    st.exchange(soci::into(finished_at.value, finished_at.ind));
    st.exchange(soci::into(status));
    st.exchange(soci::into(read));
    st.exchange(soci::into(written));
    st.exchange(soci::into(failed));
    st.exchange(soci::into(skipped));
    st.exchange(soci::into(message));
    st.exchange(soci::into(instance));
  }
  Result<Run> ToRun() const {
    auto parsed = ParseRunStatus(status);
    if (!parsed)
      return Fail(Error::Internal(fmt::format("unknown run status '{}' stored", status)));
    Run run{id,
            TenantId{tenant_id},
            job_id,
            AtMillis(started_at),
            std::nullopt,
            *parsed,
            RunCounts{read, written, failed, skipped},
            message,
            instance};
    if (auto f = finished_at.get()) run.finished_at = AtMillis(*f);
    return run;
  }
};

}  // namespace avni::store::job_sql
