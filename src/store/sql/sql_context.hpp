#pragma once
// Private to the store module: SOCI appears in no header outside src/store/sql/.

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "common/time.hpp"
#include "store/tx.hpp"

namespace avni {
class SecretBox;
}

namespace avni::store {

// What a repository needs to run its SQL: the transaction's connection and the store's
// collaborators. Owned by Store::RunInTransaction for the length of one transaction.
struct SqlContext {
  soci::session& sql;
  Backend backend;
  const SecretBox* secrets;
  const Clock& clock;

  std::int64_t NowMillis() const { return ToEpochMillis(clock.Now()); }
};

// A database failure, classified. Thrown by SOCI inside repositories; turned into an Error
// at the transaction boundary (or earlier by a repository that can say more, e.g. which name
// clashes).
enum class SqlFailure { kUnique, kForeignKey, kCheck, kConnection, kBusy, kOther };
SqlFailure Classify(const std::exception& e);
Error ToError(const std::exception& e);

// Nullable column helpers: SOCI 4.0 has no std::optional, so NULLs travel with indicators.
struct NullableInt64 {
  long long value = 0;
  soci::indicator ind = soci::i_null;
  std::optional<std::int64_t> get() const {
    return ind == soci::i_ok ? std::optional<std::int64_t>(value) : std::nullopt;
  }
};
struct NullableText {
  std::string value;
  soci::indicator ind = soci::i_null;
  std::optional<std::string> get() const {
    return ind == soci::i_ok ? std::optional<std::string>(value) : std::nullopt;
  }
};

inline long long Millis(Timestamp t) { return ToEpochMillis(t); }
inline Timestamp AtMillis(long long ms) { return FromEpochMillis(ms); }

// Query helpers. A Row type has `void Bind(soci::statement&)` that exchanges soci::into for
// each column in SELECT order; parameters are bound by position (":name" placeholders in the
// order they appear). Values are always bound, never spliced into the SQL text.
template <typename Row, typename... Params>
std::optional<Row> QueryOne(soci::session& sql, const std::string& query, const Params&... params) {
  Row row;
  soci::statement st(sql);
  row.Bind(st);
  (st.exchange(soci::use(params)), ...);
  st.alloc();
  st.prepare(query);
  st.define_and_bind();
  if (!st.execute(true)) return std::nullopt;
  return row;
}

template <typename Row, typename... Params>
std::vector<Row> QueryAll(soci::session& sql, const std::string& query, const Params&... params) {
  Row row;
  soci::statement st(sql);
  row.Bind(st);
  (st.exchange(soci::use(params)), ...);
  st.alloc();
  st.prepare(query);
  st.define_and_bind();
  std::vector<Row> out;
  if (st.execute(true)) {
    do {
      out.push_back(row);
    } while (st.fetch());
  }
  return out;
}

// Runs a statement that returns no rows; answers how many rows it changed.
template <typename... Params>
long long Exec(soci::session& sql, const std::string& query, const Params&... params) {
  soci::statement st(sql);
  (st.exchange(soci::use(params)), ...);
  st.alloc();
  st.prepare(query);
  st.define_and_bind();
  st.execute(true);
  return st.get_affected_rows();
}

// A single value (COUNT(*), an id from INSERT ... RETURNING id).
template <typename T, typename... Params>
std::optional<T> QueryValue(soci::session& sql, const std::string& query, const Params&... params) {
  T value{};
  soci::indicator ind = soci::i_ok;
  soci::statement st(sql);
  st.exchange(soci::into(value, ind));
  (st.exchange(soci::use(params)), ...);
  st.alloc();
  st.prepare(query);
  st.define_and_bind();
  if (!st.execute(true) || ind == soci::i_null) return std::nullopt;
  return value;
}

// The id of the row an "INSERT ... RETURNING id" made. The database always returns it; if it
// did not, this throws, and the transaction turns that into an internal error.
template <typename... Params>
long long InsertReturningId(soci::session& sql, const std::string& query, const Params&... params) {
  const auto id = QueryValue<long long>(sql, query, params...);
  if (!id) throw soci::soci_error("INSERT ... RETURNING id returned no row: " + query);
  return *id;
}

// The standard checks of a required text field; the message names the field.
Status CheckText(std::string_view field, std::string_view value, std::size_t max_chars);

// Checked before a write that refers to them, so that the answer names what is missing (a
// foreign-key failure would also abort the rest of a PostgreSQL transaction). not_found.
Status CheckTenantExists(SqlContext& ctx, TenantId tenant);
Status CheckUserExists(SqlContext& ctx, RowId user_id);

// Errors: invalid_argument naming `field` when `value` holds a NUL character. Every filter
// text passes here before it becomes a bound parameter: SQLite's LIKE stops at a NUL, so
// "\0zzz" would otherwise match every row.
Status CheckNoNul(std::string_view field, std::string_view value);

// `text` as a LIKE pattern (with ESCAPE '\\') that matches it anywhere, every character
// literal: a backslash, '%' and '_' each get a backslash in front. For "contains" filters.
std::string ContainsPattern(std::string_view text);

// Lists bound as one parameter (a JSON text), so that a page-sized batch is one statement
// with bound values on both backends. JsonArray encodes strings; JsonRows encodes rows of
// strings. JsonIn is the condition "column is one of the array's strings", written so that
// both planners probe the column's index once per element; JsonRowColumns(n) is a SELECT of
// columns c0..c(n-1) of text, one row per array row. `param` names the placeholder.
std::string JsonArray(const std::vector<std::string>& items);
std::string JsonRows(const std::vector<std::vector<std::string_view>>& rows);
std::string JsonIn(Backend backend, std::string_view column, std::string_view param);
// The array's strings as a table `alias` with one text column `value`, to join on: the
// planners then probe the other table's index once per element whatever their statistics.
std::string JsonTable(Backend backend, std::string_view param, std::string_view alias);
std::string JsonRowColumns(Backend backend, std::string_view param, int columns);

}  // namespace avni::store
