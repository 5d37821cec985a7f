// ErrorRepo's reads and bulk actions over an ErrorRecordFilter, the errors job's due list,
// and reclassification. Types, failures and single records are in error_repo.cpp.
#include <fmt/format.h>

#include <stdexcept>
#include <tuple>

#include "domain/error_rule.hpp"
#include "store/error_repo.hpp"
#include "store/sql/error_rows.hpp"
#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

using error_sql::CheckFilter;
using error_sql::CheckListFilter;
using error_sql::ErrorRecordRow;
using error_sql::FilterParams;
using error_sql::kFilterWhere;
using error_sql::kRecordColumns;
using error_sql::RecordNotFound;
using error_sql::SelectRecords;
using error_sql::ToNullable;

constexpr std::size_t kMaxEntityType = 200;

constexpr const char* kFirstSeenOrder = "ORDER BY error_records.first_seen_at, error_records.id ";

// A record with its type (LEFT JOIN: none when unclassified), its latest log entry (the one
// of the highest id) and the sum of its entries' counts.
struct DetailRow {
  ErrorRecordRow record;
  std::string type_name, step, message, body;
  long long occurrences = 0;

  void Bind(soci::statement& st) {
    record.Bind(st);
    st.exchange(soci::into(type_name));
    st.exchange(soci::into(step));
    st.exchange(soci::into(message));
    st.exchange(soci::into(body));
    st.exchange(soci::into(occurrences));
  }
  ErrorRecordDetail ToDetail() const {
    // The CHECK constraint of error_types admits only the names ParseFollowUpStep knows.
    auto parsed = ParseFollowUpStep(step);
    if (!parsed) {
      throw std::runtime_error(
          fmt::format("error record {} has a type of unknown follow-up step "
                      "'{}'",
                      record.id, step));
    }
    return ErrorRecordDetail{record.ToRecord(), type_name, *parsed, message, body, occurrences};
  }
};

}  // namespace

Result<std::vector<ErrorRecord>> ErrorRepo::List(const ErrorRecordFilter& filter) {
  if (auto ok = CheckListFilter(filter); !ok) return Fail(ok.error());
  const std::string query =
      SelectRecords() + kFilterWhere + kFirstSeenOrder + "LIMIT :limit OFFSET :offset";
  std::vector<ErrorRecord> out;
  std::apply(
      [&](const auto&... params) {
        for (const auto& row :
             QueryAll<ErrorRecordRow>(ctx_.sql, query, params..., filter.limit, filter.offset)) {
          out.push_back(row.ToRecord());
        }
      },
      FilterParams(tenant_, filter));
  return out;
}

Result<std::int64_t> ErrorRepo::Count(const ErrorRecordFilter& filter) {
  if (auto ok = CheckFilter(filter); !ok) return Fail(ok.error());
  const std::string query = std::string("SELECT COUNT(*) FROM error_records ") + kFilterWhere;
  return std::apply(
      [&](const auto&... params) {
        return QueryValue<long long>(ctx_.sql, query, params...).value_or(0);
      },
      FilterParams(tenant_, filter));
}

Result<std::vector<ErrorRecordDetail>> ErrorRepo::ListDetailed(const ErrorRecordFilter& filter) {
  if (auto ok = CheckListFilter(filter); !ok) return Fail(ok.error());
  const std::string query =
      std::string("SELECT ") + kRecordColumns +
      ", COALESCE(t.name, ''), COALESCE(t.follow_up_step, 'Process'), "
      "COALESCE(latest.message, ''), COALESCE(latest.body, ''), "
      "(SELECT COALESCE(SUM(o.count), 0) FROM error_record_log o "
      "WHERE o.tenant_id = error_records.tenant_id AND o.error_record_id = error_records.id) "
      "FROM error_records "
      "LEFT JOIN error_types t ON t.tenant_id = error_records.tenant_id "
      "AND t.id = error_records.error_type_id "
      "LEFT JOIN error_record_log latest ON latest.tenant_id = error_records.tenant_id "
      "AND latest.id = (SELECT MAX(m.id) FROM error_record_log m "
      "WHERE m.tenant_id = error_records.tenant_id AND m.error_record_id = error_records.id) " +
      kFilterWhere + kFirstSeenOrder + "LIMIT :limit OFFSET :offset";
  std::vector<ErrorRecordDetail> out;
  std::apply(
      [&](const auto&... params) {
        for (const auto& row :
             QueryAll<DetailRow>(ctx_.sql, query, params..., filter.limit, filter.offset)) {
          out.push_back(row.ToDetail());
        }
      },
      FilterParams(tenant_, filter));
  return out;
}

Result<std::vector<ErrorRecordMessage>> ErrorRepo::ListMessagesAfter(RowId after_id, int limit) {
  if (limit < 1 || limit > error_sql::kMaxLimit) {
    return Fail(Error::InvalidArgument(
        "limit",
        fmt::format("limit must be between 1 and {}, not {}", error_sql::kMaxLimit, limit)));
  }
  struct Row {
    long long id = 0;
    NullableInt64 type;
    std::string message;
    void Bind(soci::statement& st) {
      st.exchange(soci::into(id));
      st.exchange(soci::into(type.value, type.ind));
      st.exchange(soci::into(message));
    }
  };
  // SUBSTR counts characters on both backends: kClassifiedBytes of them hold at least as many
  // bytes, and a record's message of megabytes is not read whole.
  const std::string query = fmt::format(
      "SELECT r.id, r.error_type_id, COALESCE(SUBSTR(latest.message, 1, {}), '') "
      "FROM error_records r "
      "LEFT JOIN error_record_log latest ON latest.tenant_id = r.tenant_id "
      "AND latest.id = (SELECT MAX(m.id) FROM error_record_log m "
      "WHERE m.tenant_id = r.tenant_id AND m.error_record_id = r.id) "
      "WHERE r.tenant_id = :tenant AND r.id > :after ORDER BY r.id LIMIT :limit",
      kClassifiedBytes);
  std::vector<ErrorRecordMessage> out;
  for (const auto& row :
       QueryAll<Row>(ctx_.sql, query, tenant_.value, static_cast<long long>(after_id), limit)) {
    out.push_back({row.id, row.type.get(), row.message});
  }
  return out;
}

Result<std::vector<ErrorRecord>> ErrorRepo::ListDue(std::string_view entity_type, Timestamp now,
                                                    int limit) {
  if (auto ok = CheckText("entity_type", entity_type, kMaxEntityType); !ok) return Fail(ok.error());
  if (limit < 1 || limit > error_sql::kMaxLimit) {
    return Fail(Error::InvalidArgument(
        "limit",
        fmt::format("limit must be between 1 and {}, not {}", error_sql::kMaxLimit, limit)));
  }
  std::vector<ErrorRecord> out;
  for (const auto& row : QueryAll<ErrorRecordRow>(
           ctx_.sql,
           SelectRecords() +
               "WHERE error_records.tenant_id = :tenant AND error_records.entity_type = :type "
               "AND error_records.processing_disabled = FALSE "
               "AND (error_records.next_attempt_at IS NULL OR "
               "error_records.next_attempt_at <= :now) "
               "AND NOT EXISTS (SELECT 1 FROM error_types t WHERE "
               "t.tenant_id = error_records.tenant_id AND t.id = error_records.error_type_id "
               "AND t.follow_up_step = 'Terminal') " +
               kFirstSeenOrder + "LIMIT :limit",
           tenant_.value, std::string(entity_type), Millis(now), limit)) {
    out.push_back(row.ToRecord());
  }
  return out;
}

// Only the records whose value changes are updated, so the count is of records changed.
Result<std::int64_t> ErrorRepo::SetProcessingDisabledWhere(const ErrorRecordFilter& filter,
                                                           bool disabled) {
  if (auto ok = CheckFilter(filter); !ok) return Fail(ok.error());
  const std::string query = std::string("UPDATE error_records SET processing_disabled = :set ") +
                            kFilterWhere + "AND error_records.processing_disabled <> :set2";
  const int value = disabled ? 1 : 0;
  return std::apply(
      [&](const auto&... params) -> std::int64_t {
        return Exec(ctx_.sql, query, value, params..., value);
      },
      FilterParams(tenant_, filter));
}

Result<std::int64_t> ErrorRepo::ScheduleNowWhere(const ErrorRecordFilter& filter) {
  if (auto ok = CheckFilter(filter); !ok) return Fail(ok.error());
  const std::string query = std::string("UPDATE error_records SET next_attempt_at = :now ") +
                            kFilterWhere +
                            "AND error_records.processing_disabled = FALSE AND NOT EXISTS "
                            "(SELECT 1 FROM error_types t WHERE t.tenant_id = "
                            "error_records.tenant_id AND t.id = error_records.error_type_id AND "
                            "t.follow_up_step = 'Terminal')";
  const long long now = ctx_.NowMillis();
  return std::apply(
      [&](const auto&... params) -> std::int64_t { return Exec(ctx_.sql, query, now, params...); },
      FilterParams(tenant_, filter));
}

// The records' logs go with them (ON DELETE CASCADE).
Result<std::int64_t> ErrorRepo::DeleteWhere(const ErrorRecordFilter& filter) {
  if (auto ok = CheckFilter(filter); !ok) return Fail(ok.error());
  const std::string query = std::string("DELETE FROM error_records ") + kFilterWhere;
  return std::apply(
      [&](const auto&... params) -> std::int64_t { return Exec(ctx_.sql, query, params...); },
      FilterParams(tenant_, filter));
}

Status ErrorRepo::SetType(RowId id, std::optional<RowId> error_type_id) {
  // Looked up first: the type must be this tenant's, and a foreign-key failure would spoil
  // the rest of a PostgreSQL transaction.
  if (error_type_id) {
    if (auto type = GetType(*error_type_id); !type) return Fail(type.error());
  }
  long long tenant = tenant_.value, record = id;
  NullableInt64 type = ToNullable(error_type_id);
  soci::statement st = (ctx_.sql.prepare << "UPDATE error_records SET error_type_id = :type "
                                            "WHERE tenant_id = :tenant AND id = :id",
                        soci::use(type.value, type.ind), soci::use(tenant), soci::use(record));
  st.execute(true);
  if (st.get_affected_rows() == 0) return Fail(RecordNotFound(id));
  return {};
}

Result<std::int64_t> ErrorRepo::SetTypes(const std::vector<RowId>& ids,
                                         std::optional<RowId> error_type_id) {
  if (ids.size() > error_sql::kMaxIds) {
    return Fail(Error::InvalidArgument(
        "ids", fmt::format("at most {} ids at once, not {}", error_sql::kMaxIds, ids.size())));
  }
  if (ids.empty()) return 0;
  if (error_type_id) {
    if (auto type = GetType(*error_type_id); !type) return Fail(type.error());
  }
  // The ids are numbers this code formats, not text from outside: written into the statement,
  // they make a plain IN list that both backends look up by the primary key.
  std::string in;
  for (RowId id : ids) in += fmt::format("{}{}", in.empty() ? "" : ",", id);
  NullableInt64 type = ToNullable(error_type_id);
  long long tenant = tenant_.value;
  soci::statement st =
      (ctx_.sql.prepare << "UPDATE error_records SET error_type_id = :type WHERE tenant_id = "
                           ":tenant AND id IN (" +
                               in + ")",
       soci::use(type.value, type.ind), soci::use(tenant));
  st.execute(true);
  return static_cast<std::int64_t>(st.get_affected_rows());
}

// The log entries lose their type too: they keep the message, and DeleteType refuses while
// any row refers to the type.
Status ErrorRepo::DetachType(RowId error_type_id) {
  if (auto type = GetType(error_type_id); !type) return Fail(type.error());
  Exec(ctx_.sql,
       "UPDATE error_records SET error_type_id = NULL WHERE tenant_id = :tenant AND "
       "error_type_id = :type",
       tenant_.value, error_type_id);
  Exec(ctx_.sql,
       "UPDATE error_record_log SET error_type_id = NULL WHERE tenant_id = :tenant AND "
       "error_type_id = :type",
       tenant_.value, error_type_id);
  return {};
}

Result<std::int64_t> ErrorRepo::ResolveMany(std::string_view entity_type,
                                            const std::vector<std::string>& entity_ids) {
  if (entity_ids.size() > error_sql::kMaxIds) {
    return Fail(
        Error::InvalidArgument("entity_ids", fmt::format("at most {} entity ids at once, not {}",
                                                         error_sql::kMaxIds, entity_ids.size())));
  }
  if (entity_ids.empty()) return 0;
  return Exec(ctx_.sql,
              "DELETE FROM error_records WHERE tenant_id = :tenant AND entity_type = :type AND " +
                  JsonIn(ctx_.backend, "entity_id", ":ids"),
              tenant_.value, std::string(entity_type), JsonArray(entity_ids));
}

}  // namespace avni::store
