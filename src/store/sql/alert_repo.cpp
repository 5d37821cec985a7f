#include "store/alert_repo.hpp"

#include <map>

#include <fmt/format.h>

#include "crypto/secret_box.hpp"
#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

constexpr std::size_t kMaxMessage = 2000;

// The tenants the alerter serves: active, with a webhook. Every query below is narrowed to
// them, so a deployment where few tenants use alerts reads little.
constexpr const char* kAlerted =
    "(SELECT c.tenant_id FROM tenant_config c JOIN tenants t ON t.id = c.tenant_id "
    "WHERE c.key = 'alert_webhook_url' AND c.value <> '' AND t.active)";

struct TenantConfigRow {
  long long tenant_id = 0;
  std::string name, key, value;
  int is_secret = 0;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(name));
    st.exchange(soci::into(key));
    st.exchange(soci::into(value));
    st.exchange(soci::into(is_secret));
  }
};

struct RunRow {
  long long tenant_id = 0;
  std::string job, status, message;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(job));
    st.exchange(soci::into(status));
    st.exchange(soci::into(message));
  }
};

struct PausedRow {
  long long tenant_id = 0;
  std::string job, reason;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(job));
    st.exchange(soci::into(reason));
  }
};

struct CountRow {
  long long tenant_id = 0, count = 0;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(count));
  }
};

struct CursorRow {
  long long tenant_id = 0;
  std::string entity_type;
  long long read_upto = 0;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(entity_type));
    st.exchange(soci::into(read_upto));
  }
};

struct StateRow {
  long long tenant_id = 0;
  std::string condition_key, message;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(condition_key));
    st.exchange(soci::into(message));
  }
};

// At most kMaxMessage bytes, cut at a character boundary.
std::string Clip(std::string_view text) {
  if (text.size() <= kMaxMessage) return std::string(text);
  std::size_t end = kMaxMessage;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

}  // namespace

Result<AlertFacts> AlertRepo::Observe() {
  AlertFacts facts;
  auto& sql = ctx_.sql;
  const std::string alerted(kAlerted);

  std::map<long long, AlertFacts::Tenant> tenants;
  std::map<long long, TenantConfig::Values> values;
  for (const auto& row : QueryAll<TenantConfigRow>(
           sql,
           "SELECT c.tenant_id, t.name, c.key, c.value, c.is_secret FROM tenant_config c "
           "JOIN tenants t ON t.id = c.tenant_id WHERE c.key LIKE 'alert%' AND c.tenant_id IN " +
               alerted + " ORDER BY c.tenant_id")) {
    auto& tenant = tenants[row.tenant_id];
    tenant.id = TenantId{row.tenant_id};
    tenant.name = row.name;
    std::string text = row.value;
    if (row.is_secret != 0) {
      // Never the value in the message: only which key and why.
      if (ctx_.secrets == nullptr) {
        tenant.config_error = Error::FailedPrecondition(fmt::format(
            "config value '{}' is secret and this store has no secret key to open it", row.key));
        continue;
      }
      auto plain = ctx_.secrets->Open(row.value);
      if (!plain) {
        tenant.config_error = Error::FailedPrecondition(
            fmt::format("config value '{}' cannot be read: {}", row.key, plain.error().message));
        continue;
      }
      text = std::move(*plain);
    }
    values[row.tenant_id].emplace(row.key,
                                  TenantConfig::Value{std::move(text), row.is_secret != 0});
  }
  for (auto& [id, tenant] : tenants) {
    tenant.config = TenantConfig(std::move(values[id]));
    facts.tenants.push_back(std::move(tenant));
  }

  // Each job's latest finished run that succeeded or failed (a cancelled run says nothing
  // about the job's health); runs_status (tenant_id, job_id, status) finds it.
  for (const auto& row : QueryAll<RunRow>(
           sql,
           "SELECT j.tenant_id, j.name, r.status, r.message FROM jobs j JOIN runs r ON r.id = "
           "(SELECT r2.id FROM runs r2 WHERE r2.tenant_id = j.tenant_id AND r2.job_id = j.id AND "
           "r2.status IN ('succeeded', 'failed') ORDER BY r2.id DESC LIMIT 1) "
           "WHERE j.tenant_id IN " +
               alerted + " ORDER BY j.tenant_id, j.name")) {
    facts.runs.push_back({TenantId{row.tenant_id}, row.job,
                          row.status == "failed" ? RunStatus::kFailed : RunStatus::kSucceeded,
                          row.message});
  }
  // Paused by the scheduler after failed runs in a row (JobRepo::NoteRunOutcome's reason), not
  // by a person.
  for (const auto& row : QueryAll<PausedRow>(
           sql,
           "SELECT tenant_id, name, pause_reason FROM jobs WHERE paused AND pause_reason LIKE "
           "'paused after %' AND tenant_id IN " +
               alerted + " ORDER BY tenant_id, name")) {
    facts.paused.push_back({TenantId{row.tenant_id}, row.job, row.reason});
  }
  for (const auto& row :
       QueryAll<CountRow>(sql, "SELECT tenant_id, COUNT(*) FROM error_records WHERE tenant_id IN " +
                                   alerted + " GROUP BY tenant_id ORDER BY tenant_id")) {
    facts.errors.push_back({TenantId{row.tenant_id}, row.count});
  }
  for (const auto& row : QueryAll<CursorRow>(
           sql,
           "SELECT tenant_id, entity_type, read_upto_time FROM sync_status WHERE read_upto_time "
           "IS NOT NULL AND tenant_id IN " +
               alerted + " ORDER BY tenant_id, entity_type")) {
    facts.cursors.push_back({TenantId{row.tenant_id}, row.entity_type, AtMillis(row.read_upto)});
  }
  for (const auto& row : QueryAll<StateRow>(
           sql,
           "SELECT tenant_id, condition_key, message FROM alert_states ORDER BY tenant_id, "
           "condition_key")) {
    facts.open.push_back({TenantId{row.tenant_id}, row.condition_key, row.message});
  }
  return facts;
}

Result<bool> AlertRepo::Open(TenantId tenant, std::string_view condition_key,
                             std::string_view message, std::string_view instance) {
  if (auto ok = CheckText("condition_key", condition_key, 400); !ok) return Fail(ok.error());
  // ON CONFLICT DO NOTHING: on PostgreSQL a second instance's INSERT waits for the first's
  // commit and then changes nothing; on SQLite writers are serialized.
  const long long changed =
      Exec(ctx_.sql,
           "INSERT INTO alert_states (tenant_id, condition_key, opened_at, opened_by, message) "
           "VALUES (:tenant, :key, :at, :by, :message) ON CONFLICT (tenant_id, condition_key) "
           "DO NOTHING",
           tenant.value, std::string(condition_key), static_cast<long long>(ctx_.NowMillis()),
           Clip(instance), Clip(message));
  return changed == 1;
}

Result<bool> AlertRepo::Close(TenantId tenant, std::string_view condition_key) {
  const long long changed =
      Exec(ctx_.sql, "DELETE FROM alert_states WHERE tenant_id = :tenant AND condition_key = :key",
           tenant.value, std::string(condition_key));
  return changed == 1;
}

}  // namespace avni::store
