#include "store/job_repo.hpp"

#include <fmt/format.h>

#include "store/sql/job_rows.hpp"
#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

using job_sql::JobRow;
using job_sql::kSelectJob;
using job_sql::kSelectRun;
using job_sql::RunRow;

constexpr std::size_t kMaxName = 100;
constexpr std::size_t kMaxCron = 200;
constexpr std::size_t kMaxTimezone = 100;
constexpr std::size_t kMaxEntityType = 200;

constexpr const char* kRunPage = " ORDER BY started_at DESC, id DESC LIMIT :limit OFFSET :offset";

struct EntityCountsRow {
  std::string entity_type;
  long long read = 0, written = 0, failed = 0, skipped = 0;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(entity_type));
    st.exchange(soci::into(read));
    st.exchange(soci::into(written));
    st.exchange(soci::into(failed));
    st.exchange(soci::into(skipped));
  }
};

struct LeaseRow {
  long long tenant_id = 0, job_id = 0;
  std::string owner;
  long long acquired_at = 0, expires_at = 0;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(job_id));
    st.exchange(soci::into(owner));
    st.exchange(soci::into(acquired_at));
    st.exchange(soci::into(expires_at));
  }
};

Error NoJobId(RowId id) { return Error::NotFound(fmt::format("no job with id {}", id)); }
Error NoJobNamed(std::string_view name) {
  return Error::NotFound(fmt::format("no job named '{}'", name));
}
Error NoRun(RowId id) { return Error::NotFound(fmt::format("no run with id {}", id)); }

Status CheckCounts(const RunCounts& counts) {
  if (counts.read < 0 || counts.written < 0 || counts.failed < 0 || counts.skipped < 0) {
    return Fail(Error::InvalidArgument("counts", "run counts must not be negative"));
  }
  return {};
}

Status CheckFinished(RunStatus status) {
  if (status == RunStatus::kRunning) {
    return Fail(Error::InvalidArgument(
        "status", "a finished run's status must be succeeded, failed or cancelled"));
  }
  return {};
}

Status CheckPage(int limit, int offset) {
  if (limit < 1) return Fail(Error::InvalidArgument("limit", "limit must be at least 1"));
  if (offset < 0) return Fail(Error::InvalidArgument("offset", "offset must not be negative"));
  return {};
}

Status CheckOwner(std::string_view owner, std::chrono::milliseconds ttl) {
  if (auto ok = CheckText("owner", owner, 200); !ok) return ok;
  if (ttl.count() <= 0) return Fail(Error::InvalidArgument("ttl", "ttl must be positive"));
  return {};
}

}  // namespace

Result<Job> JobRepo::Put(const Job& job) {
  if (auto ok = CheckText("name", job.name, kMaxName); !ok) return Fail(ok.error());
  if (auto ok = CheckText("cron", job.cron, kMaxCron); !ok) return Fail(ok.error());
  const std::string timezone = job.timezone.empty() ? "UTC" : job.timezone;
  if (timezone.size() > kMaxTimezone) {
    return Fail(Error::InvalidArgument(
        "timezone", fmt::format("timezone must have at most {} characters", kMaxTimezone)));
  }
  const std::string settings = job.settings_json.empty() ? "{}" : job.settings_json;
  if (auto ok = CheckTenantExists(ctx_, tenant_); !ok) return Fail(ok.error());
  const long long id = InsertReturningId(
      ctx_.sql,
      "INSERT INTO jobs (tenant_id, name, cron, enabled, timezone, settings) VALUES (:tenant, "
      ":name, :cron, :enabled, :tz, :settings) ON CONFLICT (tenant_id, name) DO UPDATE SET "
      "cron = excluded.cron, enabled = excluded.enabled, timezone = excluded.timezone, "
      "settings = excluded.settings RETURNING id",
      tenant_.value, job.name, job.cron, job.enabled ? 1 : 0, timezone, settings);
  return GetById(id);
}

Result<Job> JobRepo::Get(std::string_view name) {
  auto row = QueryOne<JobRow>(ctx_.sql, std::string(kSelectJob) + "AND name = :name", tenant_.value,
                              std::string(name));
  if (!row) return Fail(NoJobNamed(name));
  return row->ToJob();
}

Result<Job> JobRepo::GetById(RowId id) {
  auto row =
      QueryOne<JobRow>(ctx_.sql, std::string(kSelectJob) + "AND id = :id", tenant_.value, id);
  if (!row) return Fail(NoJobId(id));
  return row->ToJob();
}

Result<std::vector<Job>> JobRepo::List() {
  std::vector<Job> out;
  for (const auto& row :
       QueryAll<JobRow>(ctx_.sql, std::string(kSelectJob) + "ORDER BY name", tenant_.value)) {
    out.push_back(row.ToJob());
  }
  return out;
}

// The job's runs and lease go with it (ON DELETE CASCADE).
Status JobRepo::Remove(std::string_view name) {
  if (Exec(ctx_.sql, "DELETE FROM jobs WHERE tenant_id = :tenant AND name = :name", tenant_.value,
           std::string(name)) == 0) {
    return Fail(NoJobNamed(name));
  }
  return {};
}

Result<Run> JobRepo::StartRun(RowId job_id, std::string_view instance) {
  if (auto job = GetById(job_id); !job) return Fail(job.error());
  const long long id = InsertReturningId(
      ctx_.sql,
      "INSERT INTO runs (tenant_id, job_id, started_at, status, instance) VALUES (:tenant, :job, "
      ":now, 'running', :instance) RETURNING id",
      tenant_.value, job_id, ctx_.NowMillis(), std::string(instance));
  return GetRun(id);
}

Result<Run> JobRepo::FinishRun(RowId run_id, RunStatus status, const RunCounts& counts,
                               std::string_view message) {
  if (auto ok = CheckFinished(status); !ok) return Fail(ok.error());
  if (auto ok = CheckCounts(counts); !ok) return Fail(ok.error());
  const long long read = counts.read, written = counts.written, failed = counts.failed,
                  skipped = counts.skipped;
  if (Exec(ctx_.sql,
           "UPDATE runs SET status = :status, finished_at = :now, read_count = :read, "
           "written_count = :written, failed_count = :failed, skipped_count = :skipped, "
           "message = :message WHERE tenant_id = :tenant AND id = :id",
           std::string(ToString(status)), ctx_.NowMillis(), read, written, failed, skipped,
           std::string(message), tenant_.value, run_id) == 0) {
    return Fail(NoRun(run_id));
  }
  return GetRun(run_id);
}

Result<Run> JobRepo::EndRun(RowId run_id, RunStatus status, std::string_view message) {
  if (auto ok = CheckFinished(status); !ok) return Fail(ok.error());
  if (Exec(ctx_.sql,
           "UPDATE runs SET status = :status, finished_at = :now, message = :message "
           "WHERE tenant_id = :tenant AND id = :id",
           std::string(ToString(status)), ctx_.NowMillis(), std::string(message), tenant_.value,
           run_id) == 0) {
    return Fail(NoRun(run_id));
  }
  return GetRun(run_id);
}

Status JobRepo::AddRunCounts(RowId run_id, std::string_view entity_type, const RunCounts& counts) {
  if (auto ok = CheckText("entity_type", entity_type, kMaxEntityType); !ok) return ok;
  if (auto ok = CheckCounts(counts); !ok) return ok;
  const long long read = counts.read, written = counts.written, failed = counts.failed,
                  skipped = counts.skipped;
  // The run's totals first: the tenant-scoped UPDATE is what proves the run is this tenant's
  // (run_entity_counts can only refer to runs by id), so nothing is written for another's.
  if (Exec(ctx_.sql,
           "UPDATE runs SET read_count = read_count + :read, written_count = written_count + "
           ":written, failed_count = failed_count + :failed, skipped_count = skipped_count + "
           ":skipped WHERE tenant_id = :tenant AND id = :id",
           read, written, failed, skipped, tenant_.value, run_id) == 0) {
    return Fail(NoRun(run_id));
  }
  Exec(ctx_.sql,
       "INSERT INTO run_entity_counts (tenant_id, run_id, entity_type, read_count, "
       "written_count, failed_count, skipped_count) VALUES (:tenant, :run, :type, :read, "
       ":written, :failed, :skipped) ON CONFLICT (run_id, entity_type) DO UPDATE SET "
       "read_count = run_entity_counts.read_count + excluded.read_count, "
       "written_count = run_entity_counts.written_count + excluded.written_count, "
       "failed_count = run_entity_counts.failed_count + excluded.failed_count, "
       "skipped_count = run_entity_counts.skipped_count + excluded.skipped_count",
       tenant_.value, run_id, std::string(entity_type), read, written, failed, skipped);
  return {};
}

Result<std::vector<EntityRunCounts>> JobRepo::ListRunCounts(RowId run_id) {
  if (auto run = GetRun(run_id); !run) return Fail(run.error());
  // Ordered by code point on both backends, whatever PostgreSQL's locale.
  const std::string query = fmt::format(
      "SELECT entity_type, read_count, written_count, failed_count, skipped_count FROM "
      "run_entity_counts WHERE tenant_id = :tenant AND run_id = :run ORDER BY entity_type{}",
      ctx_.backend == Backend::kPostgres ? " COLLATE \"C\"" : "");
  std::vector<EntityRunCounts> out;
  for (const auto& row : QueryAll<EntityCountsRow>(ctx_.sql, query, tenant_.value, run_id)) {
    out.push_back(EntityRunCounts{row.entity_type,
                                  RunCounts{row.read, row.written, row.failed, row.skipped}});
  }
  return out;
}

Result<Run> JobRepo::GetRun(RowId run_id) {
  auto row =
      QueryOne<RunRow>(ctx_.sql, std::string(kSelectRun) + "AND id = :id", tenant_.value, run_id);
  if (!row) return Fail(NoRun(run_id));
  return row->ToRun();
}

Result<std::vector<Run>> JobRepo::ListRuns(std::optional<RowId> job_id, int limit, int offset) {
  if (auto ok = CheckPage(limit, offset); !ok) return Fail(ok.error());
  std::vector<RunRow> rows;
  if (job_id) {
    rows = QueryAll<RunRow>(ctx_.sql, std::string(kSelectRun) + "AND job_id = :job" + kRunPage,
                            tenant_.value, *job_id, limit, offset);
  } else {
    rows = QueryAll<RunRow>(ctx_.sql, std::string(kSelectRun) + kRunPage, tenant_.value, limit,
                            offset);
  }
  std::vector<Run> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    auto run = row.ToRun();
    if (!run) return Fail(run.error());
    out.push_back(std::move(*run));
  }
  return out;
}

Result<bool> JobRepo::TryAcquire(RowId job_id, std::string_view owner,
                                 std::chrono::milliseconds ttl) {
  if (auto ok = CheckOwner(owner, ttl); !ok) return Fail(ok.error());
  if (auto job = GetById(job_id); !job) return Fail(job.error());
  const long long now = ctx_.NowMillis();
  const long long expires = now + ttl.count();
  // One statement, so no other transaction can slip between a read and a write: the row is
  // inserted when absent, taken over when expired, extended when already owner's, and left
  // alone otherwise. PostgreSQL locks the conflicting row before evaluating the WHERE, SQLite
  // holds the write lock for the whole transaction; either way the changed-row count says
  // whether owner holds the lease now. An owner extending its own live lease keeps its
  // acquired_at.
  const long long changed = Exec(
      ctx_.sql,
      "INSERT INTO leases (tenant_id, job_id, owner, acquired_at, expires_at) VALUES (:tenant, "
      ":job, :owner, :now, :expires) ON CONFLICT (tenant_id, job_id) DO UPDATE SET "
      "owner = excluded.owner, acquired_at = CASE WHEN leases.owner = excluded.owner AND "
      "leases.expires_at > :now2 THEN leases.acquired_at ELSE excluded.acquired_at END, "
      "expires_at = excluded.expires_at "
      "WHERE leases.owner = excluded.owner OR leases.expires_at <= :now3",
      tenant_.value, job_id, std::string(owner), now, expires, now, now);
  return changed > 0;
}

Result<bool> JobRepo::Renew(RowId job_id, std::string_view owner, std::chrono::milliseconds ttl) {
  if (auto ok = CheckOwner(owner, ttl); !ok) return Fail(ok.error());
  const long long now = ctx_.NowMillis();
  return Exec(ctx_.sql,
              "UPDATE leases SET expires_at = :expires WHERE tenant_id = :tenant AND "
              "job_id = :job AND owner = :owner AND expires_at > :now",
              now + ttl.count(), tenant_.value, job_id, std::string(owner), now) > 0;
}

// Releasing a lease that was lost (expired and taken over) or never held changes nothing.
Status JobRepo::Release(RowId job_id, std::string_view owner) {
  Exec(ctx_.sql,
       "DELETE FROM leases WHERE tenant_id = :tenant AND job_id = :job AND owner = :owner",
       tenant_.value, job_id, std::string(owner));
  return {};
}

Result<std::optional<Lease>> JobRepo::GetLease(RowId job_id) {
  auto row = QueryOne<LeaseRow>(ctx_.sql,
                                "SELECT tenant_id, job_id, owner, acquired_at, expires_at FROM "
                                "leases WHERE tenant_id = :tenant AND job_id = :job",
                                tenant_.value, job_id);
  if (!row) return std::optional<Lease>();
  return std::optional<Lease>(Lease{TenantId{row->tenant_id}, row->job_id, row->owner,
                                    AtMillis(row->acquired_at), AtMillis(row->expires_at)});
}

}  // namespace avni::store
