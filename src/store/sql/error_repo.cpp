#include "store/error_repo.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "crypto/password.hpp"
#include "store/sql/error_rows.hpp"
#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

using error_sql::ErrorRecordRow;
using error_sql::RecordNotFound;
using error_sql::SelectRecords;
using error_sql::ToNullable;
using error_sql::TypeNotFound;

constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxUuid = 100;
constexpr std::size_t kMaxEntityType = 200;
constexpr std::size_t kMaxEntityId = 1000;

constexpr const char* kSelectType =
    "SELECT id, tenant_id, uuid, name, operator, value, follow_up_step, priority "
    "FROM error_types ";

struct TypeRow {
  long long id = 0, tenant_id = 0;
  std::string uuid, name, op, value, step;
  int priority = 0;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(uuid));
    st.exchange(soci::into(name));
    st.exchange(soci::into(op));
    st.exchange(soci::into(value));
    st.exchange(soci::into(step));
    st.exchange(soci::into(priority));
  }
  ErrorType ToType() const {
    // The CHECK constraints of error_types admit only the names these parse.
    auto parsed_op = ParseErrorOperator(op);
    auto parsed_step = ParseFollowUpStep(step);
    if (!parsed_op || !parsed_step) {
      throw std::runtime_error(
          fmt::format("error type {} has an unknown operator '{}' or step '{}'", id, op, step));
    }
    return ErrorType{id,    TenantId{tenant_id}, uuid,    name, *parsed_op,
                     value, *parsed_step,        priority};
  }
};

struct LogRow {
  long long id = 0, error_record_id = 0;
  NullableInt64 error_type_id;
  std::string message, body;
  long long first_logged_at = 0, logged_at = 0;
  int count = 1;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(error_record_id));
    st.exchange(soci::into(error_type_id.value, error_type_id.ind));
    st.exchange(soci::into(message));
    st.exchange(soci::into(body));
    st.exchange(soci::into(first_logged_at));
    st.exchange(soci::into(logged_at));
    st.exchange(soci::into(count));
  }
  ErrorLogEntry ToEntry() const {
    return ErrorLogEntry{id,   error_record_id,           error_type_id.get(), message,
                         body, AtMillis(first_logged_at), AtMillis(logged_at), count};
  }
};

Status CheckType(const ErrorType& type) {
  if (auto ok = CheckText("name", type.name, kMaxName); !ok) return ok;
  if (!type.uuid.empty()) return CheckText("uuid", type.uuid, kMaxUuid);
  return {};
}

}  // namespace

// Name and uuid clashes are looked for before writing: on PostgreSQL a failed statement
// spoils the caller's whole transaction, and the caller may want to go on after a refusal.
Result<ErrorType> ErrorRepo::CreateType(const ErrorType& type) {
  if (auto ok = CheckType(type); !ok) return Fail(ok.error());
  const std::string uuid = type.uuid.empty() ? NewUuid() : type.uuid;
  const std::string op(ToString(type.op)), step(ToString(type.follow_up_step));
  if (QueryValue<long long>(ctx_.sql,
                            "SELECT COUNT(*) FROM error_types WHERE tenant_id = :tenant AND "
                            "name = :name",
                            tenant_.value, type.name)
          .value_or(0) > 0) {
    return Fail(Error::Conflict(fmt::format("an error type named '{}' already exists", type.name)));
  }
  if (QueryValue<long long>(ctx_.sql,
                            "SELECT COUNT(*) FROM error_types WHERE tenant_id = :tenant AND "
                            "uuid = :uuid",
                            tenant_.value, uuid)
          .value_or(0) > 0) {
    return Fail(Error::Conflict(fmt::format("an error type with uuid '{}' already exists", uuid)));
  }
  long long id = 0;
  try {
    id = InsertReturningId(ctx_.sql,
                           "INSERT INTO error_types (tenant_id, uuid, name, operator, value, "
                           "follow_up_step, priority) VALUES (:tenant, :uuid, :name, :op, "
                           ":value, :step, :priority) RETURNING id",
                           tenant_.value, uuid, type.name, op, type.value, step, type.priority);
  } catch (const std::exception& e) {
    if (Classify(e) == SqlFailure::kUnique) {
      return Fail(Error::Conflict(fmt::format(
          "an error type named '{}' or with uuid '{}' was created meanwhile", type.name, uuid)));
    }
    throw;
  }
  return GetType(id);
}

Result<ErrorType> ErrorRepo::UpdateType(const ErrorType& type) {
  if (auto ok = CheckText("name", type.name, kMaxName); !ok) return Fail(ok.error());
  if (auto existing = GetType(type.id); !existing) return Fail(existing.error());
  if (QueryValue<long long>(ctx_.sql,
                            "SELECT COUNT(*) FROM error_types WHERE tenant_id = :tenant AND "
                            "name = :name AND id <> :id",
                            tenant_.value, type.name, type.id)
          .value_or(0) > 0) {
    return Fail(
        Error::Conflict(fmt::format("another error type is already named '{}'", type.name)));
  }
  const std::string op(ToString(type.op)), step(ToString(type.follow_up_step));
  try {
    Exec(ctx_.sql,
         "UPDATE error_types SET name = :name, operator = :op, value = :value, "
         "follow_up_step = :step, priority = :priority WHERE tenant_id = :tenant AND id = :id",
         type.name, op, type.value, step, type.priority, tenant_.value, type.id);
  } catch (const std::exception& e) {
    if (Classify(e) == SqlFailure::kUnique) {
      return Fail(
          Error::Conflict(fmt::format("another error type was named '{}' meanwhile", type.name)));
    }
    throw;
  }
  return GetType(type.id);
}

Result<ErrorType> ErrorRepo::GetType(RowId id) {
  auto row = QueryOne<TypeRow>(ctx_.sql,
                               std::string(kSelectType) + "WHERE tenant_id = :tenant AND id = :id",
                               tenant_.value, id);
  if (!row) return Fail(TypeNotFound(id));
  return row->ToType();
}

Result<std::vector<ErrorType>> ErrorRepo::ListTypes() {
  std::vector<ErrorType> out;
  for (const auto& row : QueryAll<TypeRow>(
           ctx_.sql, std::string(kSelectType) + "WHERE tenant_id = :tenant ORDER BY priority, id",
           tenant_.value)) {
    out.push_back(row.ToType());
  }
  return out;
}

Status ErrorRepo::LockTypes() {
  if (ctx_.backend != Backend::kPostgres) return {};
  if (!QueryValue<long long>(ctx_.sql, "SELECT id FROM tenants WHERE id = :id FOR NO KEY UPDATE",
                             tenant_.value)) {
    return Fail(Error::NotFound(fmt::format("no tenant with id {}", tenant_.value)));
  }
  return {};
}

Status ErrorRepo::DeleteType(RowId id) {
  auto type = GetType(id);
  if (!type) return Fail(type.error());
  const long long records =
      QueryValue<long long>(ctx_.sql,
                            "SELECT COUNT(*) FROM error_records WHERE tenant_id = :tenant AND "
                            "error_type_id = :id",
                            tenant_.value, id)
          .value_or(0);
  const long long entries =
      QueryValue<long long>(ctx_.sql,
                            "SELECT COUNT(*) FROM error_record_log WHERE tenant_id = :tenant AND "
                            "error_type_id = :id",
                            tenant_.value, id)
          .value_or(0);
  if (records > 0 || entries > 0) {
    return Fail(Error::Conflict(fmt::format(
        "error type '{}' is used by {} error records and {} error log entries; resolve or "
        "delete those error records first",
        type->name, records, entries)));
  }
  Exec(ctx_.sql, "DELETE FROM error_types WHERE tenant_id = :tenant AND id = :id", tenant_.value,
       id);
  return {};
}

Result<ErrorRecord> ErrorRepo::RecordFailure(const Failure& failure) {
  if (auto ok = CheckText("entity_type", failure.entity_type, kMaxEntityType); !ok) {
    return Fail(ok.error());
  }
  if (auto ok = CheckText("entity_id", failure.entity_id, kMaxEntityId); !ok) {
    return Fail(ok.error());
  }
  if (failure.error_type_id) {
    if (auto type = GetType(*failure.error_type_id); !type) return Fail(type.error());
  }
  // Named locals: SOCI binds by reference and runs a one-off statement after the full
  // expression, when temporaries are gone.
  long long tenant = tenant_.value, now = ctx_.NowMillis(), id = 0;
  std::string entity_type = failure.entity_type, entity_id = failure.entity_id;
  NullableInt64 type_id = ToNullable(failure.error_type_id);
  NullableInt64 next = ToNullable(failure.next_attempt_at);
  // Processing_disabled and attempts belong to whoever handles the record; a new failure
  // only says when it was seen, how it is classified now, and when to try again.
  ctx_.sql << "INSERT INTO error_records (tenant_id, entity_type, entity_id, error_type_id, "
              "processing_disabled, attempts, first_seen_at, last_seen_at, next_attempt_at) "
              "VALUES (:tenant, :type, :entity, :error_type, FALSE, 0, :first, :last, :next) "
              "ON CONFLICT (tenant_id, entity_type, entity_id) DO UPDATE SET "
              "last_seen_at = excluded.last_seen_at, error_type_id = excluded.error_type_id, "
              "next_attempt_at = excluded.next_attempt_at RETURNING id",
      soci::into(id), soci::use(tenant), soci::use(entity_type), soci::use(entity_id),
      soci::use(type_id.value, type_id.ind), soci::use(now), soci::use(now),
      soci::use(next.value, next.ind);

  // A run that fails the same way every time adds to one log entry instead of a row per run.
  auto newest = QueryOne<LogRow>(ctx_.sql,
                                 "SELECT id, error_record_id, error_type_id, message, body, "
                                 "first_logged_at, logged_at, count FROM error_record_log "
                                 "WHERE tenant_id = :tenant AND error_record_id = :record "
                                 "ORDER BY id DESC LIMIT 1",
                                 tenant, id);
  if (newest && newest->error_type_id.get() == failure.error_type_id &&
      newest->message == failure.message && newest->body == failure.body) {
    Exec(ctx_.sql,
         "UPDATE error_record_log SET logged_at = :now, count = count + 1 "
         "WHERE tenant_id = :tenant AND id = :id",
         now, tenant, newest->id);
  } else {
    std::string message = failure.message, body = failure.body;
    ctx_.sql << "INSERT INTO error_record_log (tenant_id, error_record_id, error_type_id, "
                "message, body, first_logged_at, logged_at, count) VALUES (:tenant, :record, "
                ":error_type, :message, :body, :first, :last, 1)",
        soci::use(tenant), soci::use(id), soci::use(type_id.value, type_id.ind), soci::use(message),
        soci::use(body), soci::use(now), soci::use(now);
  }
  return Get(id);
}

Result<ErrorRecord> ErrorRepo::Get(RowId id) {
  auto row = QueryOne<ErrorRecordRow>(
      ctx_.sql, SelectRecords() + "WHERE tenant_id = :tenant AND id = :id", tenant_.value, id);
  if (!row) return Fail(RecordNotFound(id));
  return row->ToRecord();
}

Result<std::optional<ErrorRecord>> ErrorRepo::Find(std::string_view entity_type,
                                                   std::string_view entity_id) {
  auto row = QueryOne<ErrorRecordRow>(
      ctx_.sql,
      SelectRecords() + "WHERE tenant_id = :tenant AND entity_type = :type AND entity_id = :entity",
      tenant_.value, std::string(entity_type), std::string(entity_id));
  if (!row) return std::optional<ErrorRecord>();
  return std::optional<ErrorRecord>(row->ToRecord());
}

Status ErrorRepo::SetProcessingDisabled(RowId id, bool disabled) {
  if (Exec(ctx_.sql,
           "UPDATE error_records SET processing_disabled = :disabled "
           "WHERE tenant_id = :tenant AND id = :id",
           disabled ? 1 : 0, tenant_.value, id) == 0) {
    return Fail(RecordNotFound(id));
  }
  return {};
}

Status ErrorRepo::NoteAttempt(RowId id, std::optional<Timestamp> next_attempt_at) {
  long long tenant = tenant_.value, record = id;
  NullableInt64 next = ToNullable(next_attempt_at);
  soci::statement st = (ctx_.sql.prepare << "UPDATE error_records SET attempts = attempts + 1, "
                                            "next_attempt_at = :next "
                                            "WHERE tenant_id = :tenant AND id = :id",
                        soci::use(next.value, next.ind), soci::use(tenant), soci::use(record));
  st.execute(true);
  if (st.get_affected_rows() == 0) return Fail(RecordNotFound(id));
  return {};
}

Status ErrorRepo::Delete(RowId id) {
  if (Exec(ctx_.sql, "DELETE FROM error_records WHERE tenant_id = :tenant AND id = :id",
           tenant_.value, id) == 0) {
    return Fail(RecordNotFound(id));
  }
  return {};
}

Status ErrorRepo::Resolve(std::string_view entity_type, std::string_view entity_id) {
  Exec(ctx_.sql,
       "DELETE FROM error_records WHERE tenant_id = :tenant AND entity_type = :type AND "
       "entity_id = :entity",
       tenant_.value, std::string(entity_type), std::string(entity_id));
  return {};
}

Result<std::vector<ErrorLogEntry>> ErrorRepo::Log(RowId error_record_id) {
  if (auto record = Get(error_record_id); !record) return Fail(record.error());
  std::vector<ErrorLogEntry> out;
  for (const auto& row : QueryAll<LogRow>(
           ctx_.sql,
           "SELECT id, error_record_id, error_type_id, message, body, first_logged_at, logged_at, "
           "count FROM error_record_log WHERE tenant_id = :tenant AND error_record_id = :record "
           "ORDER BY id DESC",
           tenant_.value, error_record_id)) {
    out.push_back(row.ToEntry());
  }
  return out;
}

}  // namespace avni::store
