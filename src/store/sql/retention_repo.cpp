#include "store/retention_repo.hpp"

#include <fmt/format.h>

#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

struct SettingRow {
  long long tenant_id = 0;
  std::string key, value;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(key));
    st.exchange(soci::into(value));
  }
};

Status CheckBatch(int batch) {
  if (batch < 1) return Fail(Error::InvalidArgument("batch", "batch must be at least 1"));
  return {};
}

}  // namespace

Result<std::vector<RetentionSetting>> RetentionRepo::ListSettings(
    const std::vector<std::string>& keys) {
  const auto rows = QueryAll<SettingRow>(
      ctx_.sql,
      fmt::format("SELECT tenant_id, key, value FROM tenant_config WHERE NOT is_secret AND {} "
                  "ORDER BY tenant_id, key",
                  JsonIn(ctx_.backend, "key", ":keys")),
      JsonArray(keys));
  std::vector<RetentionSetting> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back({TenantId{row.tenant_id}, row.key, row.value});
  return out;
}

// Each purge deletes the ids a bounded SELECT finds, so that one statement touches at most
// `batch` rows whatever the backend (neither has DELETE ... LIMIT in common).
Result<std::int64_t> RetentionRepo::PurgeRuns(TenantId tenant, Timestamp cutoff, int batch) {
  if (auto ok = CheckBatch(batch); !ok) return Fail(ok.error());
  // "Latest" as ListRuns orders them: by started_at; the index runs_job makes the check a probe.
  return static_cast<std::int64_t>(
      Exec(ctx_.sql,
           "DELETE FROM runs WHERE id IN (SELECT r.id FROM runs r WHERE r.tenant_id = :tenant "
           "AND r.started_at < :cutoff AND r.status <> 'running' AND EXISTS (SELECT 1 FROM "
           "runs n WHERE n.tenant_id = r.tenant_id AND n.job_id = r.job_id AND n.started_at > "
           "r.started_at) LIMIT :batch)",
           tenant.value, Millis(cutoff), batch));
}

Result<std::int64_t> RetentionRepo::PurgeErrorLog(TenantId tenant, Timestamp cutoff, int batch) {
  if (auto ok = CheckBatch(batch); !ok) return Fail(ok.error());
  // The latest entry is the highest id (as ErrorRepo reads it); error_record_log_latest makes
  // "is there a newer one" a probe.
  return static_cast<std::int64_t>(
      Exec(ctx_.sql,
           "DELETE FROM error_record_log WHERE id IN (SELECT l.id FROM error_record_log l "
           "WHERE l.tenant_id = :tenant AND l.logged_at < :cutoff AND EXISTS (SELECT 1 FROM "
           "error_record_log n WHERE n.tenant_id = l.tenant_id AND n.error_record_id = "
           "l.error_record_id AND n.id > l.id) LIMIT :batch)",
           tenant.value, Millis(cutoff), batch));
}

Result<std::int64_t> RetentionRepo::PurgeAudit(std::optional<TenantId> tenant, Timestamp cutoff,
                                               int batch) {
  if (auto ok = CheckBatch(batch); !ok) return Fail(ok.error());
  if (tenant) {
    return static_cast<std::int64_t>(
        Exec(ctx_.sql,
             "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE tenant_id = "
             ":tenant AND at < :cutoff LIMIT :batch)",
             tenant->value, Millis(cutoff), batch));
  }
  return static_cast<std::int64_t>(
      Exec(ctx_.sql,
           "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE tenant_id IS "
           "NULL AND at < :cutoff LIMIT :batch)",
           Millis(cutoff), batch));
}

Result<std::int64_t> RetentionRepo::PurgeSessions(Timestamp cutoff, int batch) {
  if (auto ok = CheckBatch(batch); !ok) return Fail(ok.error());
  return static_cast<std::int64_t>(
      Exec(ctx_.sql,
           "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < "
           ":cutoff LIMIT :batch)",
           Millis(cutoff), batch));
}

// One conditional UPDATE: PostgreSQL makes a second claimer wait for the first one's row lock
// and then re-checks the condition against the row as the first left it; SQLite serializes
// write transactions. Either way one claimer sees one row changed.
Result<bool> RetentionRepo::TryClaim(std::string_view task, std::string_view owner,
                                     std::chrono::milliseconds every,
                                     std::chrono::milliseconds ttl) {
  if (auto ok = CheckText("owner", owner, 200); !ok) return Fail(ok.error());
  const long long now = ctx_.NowMillis();
  const long long due_before = now - every.count();
  const long long expires = now + ttl.count();
  return Exec(ctx_.sql,
              "UPDATE maintenance_tasks SET owner = :owner, lease_expires_at = :expires WHERE "
              "name = :task AND last_run_at <= :due_before AND (lease_expires_at <= :now OR "
              "owner = :owner2)",
              std::string(owner), expires, std::string(task), due_before, now,
              std::string(owner)) == 1;
}

Result<bool> RetentionRepo::Renew(std::string_view task, std::string_view owner,
                                  std::chrono::milliseconds ttl) {
  const long long expires = ctx_.NowMillis() + ttl.count();
  return Exec(ctx_.sql,
              "UPDATE maintenance_tasks SET lease_expires_at = :expires WHERE name = :task AND "
              "owner = :owner",
              expires, std::string(task), std::string(owner)) == 1;
}

Status RetentionRepo::Finish(std::string_view task, std::string_view owner, Timestamp started) {
  Exec(ctx_.sql,
       "UPDATE maintenance_tasks SET last_run_at = :started, owner = '', lease_expires_at = 0 "
       "WHERE name = :task AND owner = :owner",
       Millis(started), std::string(task), std::string(owner));
  return {};
}

Result<std::optional<Timestamp>> RetentionRepo::LastRun(std::string_view task) {
  const auto last = QueryValue<long long>(
      ctx_.sql, "SELECT last_run_at FROM maintenance_tasks WHERE name = :task", std::string(task));
  if (!last) {
    return Fail(Error::NotFound(fmt::format("no maintenance task named '{}'", task)));
  }
  if (*last == 0) return std::optional<Timestamp>();
  return std::optional<Timestamp>(AtMillis(*last));
}

}  // namespace avni::store
