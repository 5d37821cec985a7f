#pragma once
// Private to the store module: what error_repo.cpp (types, failures, single records) and
// error_query.cpp (filtered lists and bulk actions) share about the error_records table.

#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "store/error_repo.hpp"
#include "store/sql/sql_context.hpp"

namespace avni::store::error_sql {

inline constexpr int kMaxLimit = 10000;
inline constexpr std::size_t kMaxIds = 1000;

// The columns ErrorRecordRow reads, in its order. Qualified with the table name so that they
// can be selected next to joined tables and referred to from correlated subqueries.
inline constexpr const char* kRecordColumns =
    "error_records.id, error_records.tenant_id, error_records.entity_type, "
    "error_records.entity_id, error_records.error_type_id, error_records.processing_disabled, "
    "error_records.attempts, error_records.first_seen_at, error_records.last_seen_at, "
    "error_records.next_attempt_at";

inline std::string SelectRecords() {
  return std::string("SELECT ") + kRecordColumns + " FROM error_records ";
}

struct ErrorRecordRow {
  long long id = 0, tenant_id = 0;
  std::string entity_type, entity_id;
  NullableInt64 error_type_id;
  int processing_disabled = 0, attempts = 0;
  long long first_seen_at = 0, last_seen_at = 0;
  NullableInt64 next_attempt_at;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(entity_type));
    st.exchange(soci::into(entity_id));
    st.exchange(soci::into(error_type_id.value, error_type_id.ind));
    st.exchange(soci::into(processing_disabled));
    st.exchange(soci::into(attempts));
    st.exchange(soci::into(first_seen_at));
    st.exchange(soci::into(last_seen_at));
    st.exchange(soci::into(next_attempt_at.value, next_attempt_at.ind));
  }
  ErrorRecord ToRecord() const {
    ErrorRecord r;
    r.id = id;
    r.tenant_id = TenantId{tenant_id};
    r.entity_type = entity_type;
    r.entity_id = entity_id;
    r.error_type_id = error_type_id.get();
    r.processing_disabled = processing_disabled != 0;
    r.attempts = attempts;
    r.first_seen_at = AtMillis(first_seen_at);
    r.last_seen_at = AtMillis(last_seen_at);
    if (auto next = next_attempt_at.get()) r.next_attempt_at = AtMillis(*next);
    return r;
  }
};

inline NullableInt64 ToNullable(std::optional<std::int64_t> v) {
  return v ? NullableInt64{*v, soci::i_ok} : NullableInt64{};
}
inline NullableInt64 ToNullable(std::optional<Timestamp> t) {
  return t ? NullableInt64{Millis(*t), soci::i_ok} : NullableInt64{};
}

inline Error TypeNotFound(RowId id) {
  return Error::NotFound(fmt::format("no error type with id {}", id));
}
inline Error RecordNotFound(RowId id) {
  return Error::NotFound(fmt::format("no error record with id {}", id));
}

// The WHERE clause of an ErrorRecordFilter. Each narrowing is off when its flag is 1, so one
// statement with a fixed list of bound parameters serves every combination. Text is compared
// after lower() on both sides, which folds ASCII letters on both backends (PostgreSQL folds
// other letters too, SQLite does not). The ids travel as one bound text ",3,17,42," that
// each record's id, between commas, is looked for in.
inline constexpr const char* kFilterWhere =
    "WHERE error_records.tenant_id = :tenant "
    "AND (:all_types = 1 OR error_records.entity_type = :type) "
    "AND (:all_error_types = 1 OR error_records.error_type_id = :error_type) "
    "AND (:any_class = 1 OR error_records.error_type_id IS NULL) "
    "AND (:all_states = 1 OR error_records.processing_disabled = :disabled) "
    "AND (:all_text = 1 OR EXISTS (SELECT 1 FROM error_record_log text_log "
    "WHERE text_log.tenant_id = error_records.tenant_id "
    "AND text_log.error_record_id = error_records.id "
    "AND lower(text_log.message) LIKE lower(:text) ESCAPE '\\')) "
    "AND (:no_from = 1 OR error_records.last_seen_at >= :seen_from) "
    "AND (:no_to = 1 OR error_records.last_seen_at < :seen_to) "
    "AND (:all_ids = 1 OR :ids LIKE ('%,' || CAST(error_records.id AS TEXT) || ',%')) ";

// Errors: invalid_argument ("ids") for more than kMaxIds ids.
inline Status CheckFilter(const ErrorRecordFilter& f) {
  if (f.ids.size() > kMaxIds) {
    return Fail(Error::InvalidArgument(
        "ids", fmt::format("at most {} ids can be given at once, not {}; split the list or use a "
                           "filter",
                           kMaxIds, f.ids.size())));
  }
  if (f.text) {
    if (auto ok = CheckNoNul("text", *f.text); !ok) return ok;
  }
  if (f.entity_type) return CheckNoNul("entity_type", *f.entity_type);
  return {};
}

// As CheckFilter, and the page: the limit and offset a list honours.
inline Status CheckListFilter(const ErrorRecordFilter& f) {
  if (f.limit < 1 || f.limit > kMaxLimit) {
    return Fail(Error::InvalidArgument(
        "limit", fmt::format("limit must be between 1 and {}, not {}", kMaxLimit, f.limit)));
  }
  if (f.offset < 0) {
    return Fail(Error::InvalidArgument(
        "offset", fmt::format("offset must not be negative, not {}", f.offset)));
  }
  return CheckFilter(f);
}

// The bound values of kFilterWhere, in placeholder order. Copies: they outlive the statement.
inline auto FilterParams(TenantId tenant, const ErrorRecordFilter& f) {
  const bool has_text = f.text && !f.text->empty();
  std::string ids = ",";
  for (RowId id : f.ids) ids += fmt::format("{},", id);
  return std::make_tuple(
      static_cast<long long>(tenant.value), f.entity_type ? 0 : 1, f.entity_type.value_or(""),
      f.error_type_id ? 0 : 1, static_cast<long long>(f.error_type_id.value_or(0)),
      f.unclassified ? 0 : 1, f.processing_disabled ? 0 : 1,
      f.processing_disabled.value_or(false) ? 1 : 0, has_text ? 0 : 1,
      has_text ? ContainsPattern(*f.text) : std::string(), f.seen_from ? 0 : 1,
      f.seen_from ? Millis(*f.seen_from) : 0LL, f.seen_to ? 0 : 1,
      f.seen_to ? Millis(*f.seen_to) : 0LL, f.ids.empty() ? 1 : 0, std::move(ids));
}

}  // namespace avni::store::error_sql
