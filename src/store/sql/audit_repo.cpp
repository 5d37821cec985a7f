#include "store/audit_repo.hpp"

#include <fmt/format.h>

#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

constexpr std::size_t kMaxActor = 320;  // an email
constexpr std::size_t kMaxName = 200;

constexpr const char* kSelect =
    "SELECT id, actor, action, entity, entity_id, before_json, after_json, at FROM audit_log ";
constexpr const char* kPage = " ORDER BY at DESC, id DESC LIMIT :limit OFFSET :offset";

struct AuditRow {
  long long id = 0;
  std::string actor, action, entity, entity_id, before_json, after_json;
  long long at = 0;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(actor));
    st.exchange(soci::into(action));
    st.exchange(soci::into(entity));
    st.exchange(soci::into(entity_id));
    st.exchange(soci::into(before_json));
    st.exchange(soci::into(after_json));
    st.exchange(soci::into(at));
  }
  AuditEntry ToEntry(std::optional<TenantId> tenant) const {
    return AuditEntry{id,        tenant,      actor,      action,      entity,
                      entity_id, before_json, after_json, AtMillis(at)};
  }
};

}  // namespace

Result<AuditEntry> AuditRepo::Append(std::string_view actor, std::string_view action,
                                     std::string_view entity, std::string_view entity_id,
                                     std::string_view before_json, std::string_view after_json) {
  if (auto ok = CheckText("actor", actor, kMaxActor); !ok) return Fail(ok.error());
  if (auto ok = CheckText("action", action, kMaxName); !ok) return Fail(ok.error());
  if (auto ok = CheckText("entity", entity, kMaxName); !ok) return Fail(ok.error());
  AuditEntry entry{0,
                   tenant_,
                   std::string(actor),
                   std::string(action),
                   std::string(entity),
                   std::string(entity_id),
                   std::string(before_json),
                   std::string(after_json),
                   AtMillis(ctx_.NowMillis())};
  const long long at = Millis(entry.at);
  long long id = 0;
  try {
    if (tenant_) {
      id = InsertReturningId(
          ctx_.sql,
          "INSERT INTO audit_log (tenant_id, actor, action, entity, entity_id, before_json, "
          "after_json, at) VALUES (:tenant, :actor, :action, :entity, :entity_id, :before, "
          ":after, :at) RETURNING id",
          tenant_->value, entry.actor, entry.action, entry.entity, entry.entity_id,
          entry.before_json, entry.after_json, at);
    } else {
      id = InsertReturningId(
          ctx_.sql,
          "INSERT INTO audit_log (tenant_id, actor, action, entity, entity_id, before_json, "
          "after_json, at) VALUES (NULL, :actor, :action, :entity, :entity_id, :before, "
          ":after, :at) RETURNING id",
          entry.actor, entry.action, entry.entity, entry.entity_id, entry.before_json,
          entry.after_json, at);
    }
  } catch (const std::exception& e) {
    if (tenant_ && Classify(e) == SqlFailure::kForeignKey) {
      return Fail(Error::NotFound(fmt::format("no tenant with id {}", tenant_->value)));
    }
    throw;
  }
  entry.id = id;
  return entry;
}

Result<std::vector<AuditEntry>> AuditRepo::List(int limit, int offset) {
  if (limit < 1) return Fail(Error::InvalidArgument("limit", "limit must be at least 1"));
  if (offset < 0) return Fail(Error::InvalidArgument("offset", "offset must not be negative"));
  std::vector<AuditRow> rows;
  if (tenant_) {
    rows = QueryAll<AuditRow>(ctx_.sql, std::string(kSelect) + "WHERE tenant_id = :tenant" + kPage,
                              tenant_->value, limit, offset);
  } else {
    rows = QueryAll<AuditRow>(ctx_.sql, std::string(kSelect) + "WHERE tenant_id IS NULL" + kPage,
                              limit, offset);
  }
  std::vector<AuditEntry> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(row.ToEntry(tenant_));
  return out;
}

Result<std::int64_t> AuditRepo::Count() {
  std::optional<long long> n;
  if (tenant_) {
    n = QueryValue<long long>(ctx_.sql, "SELECT COUNT(*) FROM audit_log WHERE tenant_id = :tenant",
                              tenant_->value);
  } else {
    n = QueryValue<long long>(ctx_.sql, "SELECT COUNT(*) FROM audit_log WHERE tenant_id IS NULL");
  }
  return static_cast<std::int64_t>(n.value_or(0));
}

}  // namespace avni::store
