// The scheduler's side of the jobs table: pausing, run requests, claims and run outcomes, the
// runs list by filter, and the cross-tenant list of jobs.
#include <fmt/format.h>

#include <tuple>

#include "store/job_repo.hpp"
#include "store/sql/job_rows.hpp"
#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

using job_sql::JobRow;
using job_sql::kSelectJob;
using job_sql::kSelectRun;
using job_sql::RunRow;

constexpr int kMaxRunPage = 1000;
constexpr std::size_t kMaxReason = 2000;

// Optional filters are off when their flag is 1: one statement, a fixed list of parameters.
constexpr const char* kRunFilter =
    "AND (:all_jobs = 1 OR job_id = :job) AND (:all_states = 1 OR status = :status) "
    "AND (:no_from = 1 OR started_at >= :from) AND (:no_to = 1 OR started_at < :to) ";

auto RunFilterParams(const RunFilter& f) {
  return std::make_tuple(f.job_id ? 0 : 1, f.job_id.value_or(0), f.status ? 0 : 1,
                         std::string(f.status ? ToString(*f.status) : "running"),
                         f.started_from ? 0 : 1, f.started_from ? Millis(*f.started_from) : 0LL,
                         f.started_to ? 0 : 1, f.started_to ? Millis(*f.started_to) : 0LL);
}

Error NoJobNamed(std::string_view name) {
  return Error::NotFound(fmt::format("no job named '{}'", name));
}

std::string Clip(std::string_view text) { return std::string(text.substr(0, kMaxReason)); }

}  // namespace

Result<std::vector<Run>> JobRepo::ListRunsWhere(const RunFilter& filter) {
  if (filter.limit < 1 || filter.limit > kMaxRunPage) {
    return Fail(Error::InvalidArgument("limit",
                                       fmt::format("limit must be between 1 and {}", kMaxRunPage)));
  }
  if (filter.offset < 0) {
    return Fail(Error::InvalidArgument("offset", "offset must not be negative"));
  }
  const std::string query = std::string(kSelectRun) + kRunFilter +
                            "ORDER BY started_at DESC, id DESC LIMIT :limit OFFSET :offset";
  std::vector<Run> out;
  std::optional<Error> bad;
  std::apply(
      [&](const auto&... params) {
        for (const auto& row : QueryAll<RunRow>(ctx_.sql, query, tenant_.value, params...,
                                                filter.limit, filter.offset)) {
          auto run = row.ToRun();
          if (!run) {
            bad = run.error();
            return;
          }
          out.push_back(std::move(*run));
        }
      },
      RunFilterParams(filter));
  if (bad) return Fail(*bad);
  return out;
}

Result<std::int64_t> JobRepo::CountRuns(const RunFilter& filter) {
  const std::string query =
      std::string("SELECT COUNT(*) FROM runs WHERE tenant_id = :tenant ") + kRunFilter;
  return std::apply(
      [&](const auto&... params) {
        return static_cast<std::int64_t>(
            QueryValue<long long>(ctx_.sql, query, tenant_.value, params...).value_or(0));
      },
      RunFilterParams(filter));
}

Result<Job> JobRepo::SetPaused(std::string_view name, bool paused, std::string_view reason) {
  const long long changed =
      paused ? Exec(ctx_.sql,
                    "UPDATE jobs SET paused = TRUE, pause_reason = :reason WHERE tenant_id = "
                    ":tenant AND name = :name",
                    Clip(reason), tenant_.value, std::string(name))
             : Exec(ctx_.sql,
                    "UPDATE jobs SET paused = FALSE, pause_reason = '', consecutive_failures = 0, "
                    "last_fire_at = :now WHERE tenant_id = :tenant AND name = :name AND "
                    "paused = TRUE",
                    ctx_.NowMillis(), tenant_.value, std::string(name));
  if (!paused && changed == 0) {
    // Not paused (nothing to resume) or no such job.
    if (auto job = Get(name); !job) return Fail(job.error());
    return Get(name);
  }
  if (changed == 0) return Fail(NoJobNamed(name));
  return Get(name);
}

Result<Job> JobRepo::RequestRun(std::string_view name) {
  if (Exec(ctx_.sql,
           "UPDATE jobs SET run_requested_at = :now WHERE tenant_id = :tenant AND name = :name",
           ctx_.NowMillis(), tenant_.value, std::string(name)) == 0) {
    return Fail(NoJobNamed(name));
  }
  return Get(name);
}

Result<bool> JobRepo::Claim(RowId job_id, std::string_view owner, std::chrono::milliseconds ttl,
                            std::optional<Timestamp> fire, bool requested) {
  if (ctx_.backend == Backend::kPostgres) {
    // Serializes claims of one tenant's jobs: the "no other live lease" check below must see
    // a lease another instance is taking at this moment.
    if (!QueryValue<long long>(ctx_.sql, "SELECT id FROM tenants WHERE id = :id FOR UPDATE",
                               tenant_.value)) {
      return Fail(Error::NotFound(fmt::format("no tenant with id {}", tenant_.value)));
    }
  }
  auto job = GetById(job_id);
  if (!job) return Fail(job.error());
  const long long now = ctx_.NowMillis();
  const long long others =
      QueryValue<long long>(ctx_.sql,
                            "SELECT COUNT(*) FROM leases WHERE tenant_id = :tenant AND "
                            "job_id <> :job AND expires_at > :now",
                            tenant_.value, job_id, now)
          .value_or(0);
  if (others > 0) return false;
  if (fire && job->last_fire_at && *job->last_fire_at >= *fire) return false;
  // Runs still marked running whose job holds no live lease lost their instance (it died, or
  // stalled past its lease): end them now, before this claim's own lease is live, so that the
  // run records never show two of the tenant's runs at once.
  Exec(ctx_.sql,
       "UPDATE runs SET status = 'failed', finished_at = :now, message = :message WHERE "
       "tenant_id = :tenant AND status = 'running' AND NOT EXISTS (SELECT 1 FROM leases WHERE "
       "leases.tenant_id = runs.tenant_id AND leases.job_id = runs.job_id AND "
       "leases.expires_at > :now2)",
       now,
       std::string("abandoned: the instance running it stopped before the run ended; the next "
                   "run goes on from the committed cursor"),
       tenant_.value, now);
  auto leased = TryAcquire(job_id, owner, ttl);
  if (!leased) return Fail(leased.error());
  if (!*leased) return false;
  if (fire) {
    Exec(ctx_.sql, "UPDATE jobs SET last_fire_at = :fire WHERE tenant_id = :tenant AND id = :id",
         Millis(*fire), tenant_.value, job_id);
  }
  if (requested) {
    Exec(ctx_.sql, "UPDATE jobs SET run_requested_at = NULL WHERE tenant_id = :tenant AND id = :id",
         tenant_.value, job_id);
  }
  return true;
}

Result<Job> JobRepo::NoteRunOutcome(RowId job_id, bool succeeded, int pause_after,
                                    std::string_view last_message) {
  auto job = GetById(job_id);
  if (!job) return Fail(job.error());
  if (succeeded) {
    Exec(ctx_.sql,
         "UPDATE jobs SET consecutive_failures = 0 WHERE tenant_id = :tenant AND id = :id",
         tenant_.value, job_id);
    return GetById(job_id);
  }
  const int failures = job->consecutive_failures + 1;
  if (pause_after > 0 && failures >= pause_after && !job->paused) {
    Exec(ctx_.sql,
         "UPDATE jobs SET consecutive_failures = :failures, paused = TRUE, pause_reason = "
         ":reason WHERE tenant_id = :tenant AND id = :id",
         failures,
         Clip(fmt::format("paused after {} failed runs in a row; the last said: {}", failures,
                          last_message)),
         tenant_.value, job_id);
  } else {
    Exec(ctx_.sql,
         "UPDATE jobs SET consecutive_failures = :failures WHERE tenant_id = :tenant AND "
         "id = :id",
         failures, tenant_.value, job_id);
  }
  return GetById(job_id);
}

Result<std::vector<ScheduledJob>> ScheduleRepo::ListJobs() {
  struct Row {
    JobRow job;
    std::string tenant_name, tenant_type;
    int tenant_active = 1;
    NullableText lease_owner;
    NullableInt64 lease_expires_at;
    void Bind(soci::statement& st) {
      job.Bind(st);
      st.exchange(soci::into(tenant_name));
      st.exchange(soci::into(tenant_type));
      st.exchange(soci::into(tenant_active));
      st.exchange(soci::into(lease_owner.value, lease_owner.ind));
      st.exchange(soci::into(lease_expires_at.value, lease_expires_at.ind));
    }
  };
  std::vector<ScheduledJob> out;
  for (const auto& row : QueryAll<Row>(
           ctx_.sql, std::string("SELECT ") + job_sql::kJobColumns +
                         ", tenants.name, tenants.type, tenants.active, leases.owner, "
                         "leases.expires_at FROM jobs JOIN tenants ON tenants.id = jobs.tenant_id "
                         "LEFT JOIN leases ON leases.tenant_id = jobs.tenant_id AND "
                         "leases.job_id = jobs.id ORDER BY jobs.tenant_id, jobs.name")) {
    const auto expires = row.lease_expires_at.get();
    out.push_back(
        ScheduledJob{row.job.ToJob(), row.tenant_name, row.tenant_type, row.tenant_active != 0,
                     row.lease_owner.get(),
                     expires ? std::optional<Timestamp>(AtMillis(*expires)) : std::nullopt});
  }
  return out;
}

}  // namespace avni::store
