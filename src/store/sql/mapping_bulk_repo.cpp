// Whole-tenant reads and batched writes of mappings. Writes go in multi-row statements of
// kChunk rows: one statement per chunk, never one round trip per row. (SOCI's vector binding
// sends one execution per row to PostgreSQL; on SQLite it measured no faster than this.)
#include "store/mapping_bulk_repo.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <stdexcept>

#include "crypto/password.hpp"
#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

// Rows per statement: at 11 parameters a row, far below SQLite's 32766 and PostgreSQL's 65535
// bound parameters. 100 to 2500 measured alike (bench/mapping_import.cpp); the per-row work in
// the database dominates.
constexpr std::size_t kChunk = 500;
// Rows fetched per call when reading.
constexpr std::size_t kFetch = 5000;

constexpr std::array<DataTypeHint, 7> kAllHints{
    DataTypeHint::kCoded, DataTypeHint::kDate,    DataTypeHint::kDateTime, DataTypeHint::kNumeric,
    DataTypeHint::kText,  DataTypeHint::kBoolean, DataTypeHint::kNA};

// The stored text of each hint, as strings that outlive the statements bound to them.
const std::string& HintText(DataTypeHint hint) {
  static const std::array<std::string, kAllHints.size()> kTexts = [] {
    std::array<std::string, kAllHints.size()> out;
    for (std::size_t i = 0; i < kAllHints.size(); ++i) out[i] = std::string(ToString(kAllHints[i]));
    return out;
  }();
  const auto at = std::find(kAllHints.begin(), kAllHints.end(), hint);
  if (at == kAllHints.end()) throw std::logic_error("unknown data type hint");
  return kTexts[static_cast<std::size_t>(at - kAllHints.begin())];
}

// `count` rows of parameters for a multi-row statement: "(?, CAST(? AS BIGINT)), (...)", where
// each of `columns` is the SQL of one parameter with {} standing for it. SQLite gets "?" (it
// finds named parameters by a linear search, quadratic over thousands of them); PostgreSQL
// gets ":pN", which SOCI numbers $1, $2...
std::string RowsOf(Backend backend, std::size_t count,
                   std::initializer_list<std::string_view> columns) {
  std::string out;
  std::size_t n = 0;
  for (std::size_t row = 0; row < count; ++row) {
    out += row == 0 ? "(" : ", (";
    bool first = true;
    for (std::string_view column : columns) {
      if (!first) out += ", ";
      first = false;
      const std::string param = backend == Backend::kSqlite ? "?" : fmt::format(":p{}", n++);
      out += fmt::format(fmt::runtime(column), param);
    }
    out += ')';
  }
  return out;
}

// A write that lost a race with another writer: the rows were validated against what was read
// in this transaction, so only a concurrent change can break the rules now.
std::optional<Error> BulkWriteFailure(const std::exception& e) {
  switch (Classify(e)) {
    case SqlFailure::kUnique:
      return Error::Conflict(
          "another change to this tenant's mappings was written at the same time and now clashes "
          "with these rows; nothing was written, try again");
    case SqlFailure::kForeignKey:
      return Error::NotFound(
          "a mapping group or type of these rows was deleted meanwhile; nothing was written, try "
          "again");
    default:
      return std::nullopt;
  }
}

}  // namespace

Result<std::vector<Mapping>> MappingBulkRepo::LoadAll() {
  // Fetched into column vectors, kFetch rows a call.
  std::vector<long long> id(kFetch), group_id(kFetch), type_id(kFetch), created(kFetch),
      updated(kFetch);
  std::vector<std::string> uuid(kFetch), avni(kFetch), int_value(kFetch), hint(kFetch),
      about(kFetch);
  std::vector<int> voided(kFetch);
  long long tenant = tenant_.value;
  soci::statement st(ctx_.sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(uuid));
  st.exchange(soci::into(group_id));
  st.exchange(soci::into(type_id));
  st.exchange(soci::into(avni));
  st.exchange(soci::into(int_value));
  st.exchange(soci::into(hint));
  st.exchange(soci::into(about));
  st.exchange(soci::into(voided));
  st.exchange(soci::into(created));
  st.exchange(soci::into(updated));
  st.exchange(soci::use(tenant));
  st.alloc();
  st.prepare(
      "SELECT id, uuid, group_id, type_id, avni_value, int_system_value, data_type_hint, about, "
      "voided, created_at, updated_at FROM mappings WHERE tenant_id = :tenant ORDER BY id");
  st.define_and_bind();
  std::vector<Mapping> out;
  auto take = [&] {
    for (std::size_t i = 0; i < id.size(); ++i) {
      auto parsed = ParseDataTypeHint(hint[i]);
      // The schema's CHECK admits only the known names.
      if (!parsed) {
        throw std::logic_error(fmt::format("mapping {} has unknown data_type_hint", id[i]));
      }
      out.push_back(Mapping{id[i], tenant_, std::move(uuid[i]), group_id[i], type_id[i],
                            std::move(avni[i]), std::move(int_value[i]), *parsed,
                            std::move(about[i]), voided[i] != 0, AtMillis(created[i]),
                            AtMillis(updated[i])});
    }
  };
  if (st.execute(true)) {
    take();
    const auto refill = [&](auto&... columns) { (columns.resize(kFetch), ...); };
    for (;;) {
      refill(id, uuid, group_id, type_id, avni, int_value, hint, about, voided, created, updated);
      if (!st.fetch()) break;
      take();
    }
  }
  return out;
}

Result<std::int64_t> MappingBulkRepo::InsertMany(const std::vector<Mapping>& rows) {
  const long long tenant = tenant_.value;
  const long long now = ctx_.NowMillis();
  // Values that are not in the rows as given: kept here for the length of the statements.
  std::vector<std::string> uuids;
  std::vector<int> voided;
  uuids.reserve(rows.size());
  voided.reserve(rows.size());
  for (const auto& m : rows) {
    uuids.push_back(m.uuid.empty() ? NewUuid() : m.uuid);
    voided.push_back(m.voided ? 1 : 0);
  }
  std::int64_t inserted = 0;
  try {
    for (std::size_t from = 0; from < rows.size(); from += kChunk) {
      const std::size_t count = std::min(kChunk, rows.size() - from);
      soci::statement st(ctx_.sql);
      for (std::size_t i = from; i < from + count; ++i) {
        const Mapping& m = rows[i];
        st.exchange(soci::use(tenant));
        st.exchange(soci::use(uuids[i]));
        st.exchange(soci::use(m.group_id));
        st.exchange(soci::use(m.type_id));
        st.exchange(soci::use(m.avni_value));
        st.exchange(soci::use(m.int_system_value));
        st.exchange(soci::use(HintText(m.data_type_hint)));
        st.exchange(soci::use(m.about));
        st.exchange(soci::use(voided[i]));
        st.exchange(soci::use(now));
        st.exchange(soci::use(now));
      }
      st.alloc();
      st.prepare(
          "INSERT INTO mappings (tenant_id, uuid, group_id, type_id, avni_value, "
          "int_system_value, data_type_hint, about, voided, created_at, updated_at) VALUES " +
          RowsOf(ctx_.backend, count,
                 {"{}", "{}", "{}", "{}", "{}", "{}", "{}", "{}", "{}", "{}", "{}"}));
      st.define_and_bind();
      st.execute(true);
      inserted += st.get_affected_rows();
    }
  } catch (const std::exception& e) {
    if (auto error = BulkWriteFailure(e)) return Fail(*error);
    throw;
  }
  return inserted;
}

Result<std::int64_t> MappingBulkRepo::UpdateMany(const std::vector<Mapping>& rows) {
  const long long tenant = tenant_.value;
  const long long now = ctx_.NowMillis();
  std::vector<int> voided;
  voided.reserve(rows.size());
  for (const auto& m : rows) voided.push_back(m.voided ? 1 : 0);
  std::int64_t updated = 0;
  try {
    for (std::size_t from = 0; from < rows.size(); from += kChunk) {
      const std::size_t count = std::min(kChunk, rows.size() - from);
      soci::statement st(ctx_.sql);
      for (std::size_t i = from; i < from + count; ++i) {
        const Mapping& m = rows[i];
        st.exchange(soci::use(m.id));
        st.exchange(soci::use(m.avni_value));
        st.exchange(soci::use(m.int_system_value));
        st.exchange(soci::use(HintText(m.data_type_hint)));
        st.exchange(soci::use(m.about));
        st.exchange(soci::use(voided[i]));
      }
      st.exchange(soci::use(now));
      st.exchange(soci::use(tenant));
      st.alloc();
      // One statement both backends read alike (SQLite 3.33+ has UPDATE ... FROM). The casts
      // type PostgreSQL's parameters; on SQLite BOOLEAN is a numeric cast of 0/1.
      st.prepare("WITH v (id, avni, ival, hint, about, voided) AS (VALUES " +
                 RowsOf(ctx_.backend, count,
                        {"CAST({} AS BIGINT)", "{}", "{}", "{}", "{}", "CAST({} AS BOOLEAN)"}) +
                 ") UPDATE mappings SET avni_value = v.avni, int_system_value = v.ival, "
                 "data_type_hint = v.hint, about = v.about, voided = v.voided, updated_at = :now "
                 "FROM v WHERE mappings.tenant_id = :tenant AND mappings.id = v.id");
      st.define_and_bind();
      st.execute(true);
      updated += st.get_affected_rows();
    }
  } catch (const std::exception& e) {
    if (auto error = BulkWriteFailure(e)) return Fail(*error);
    throw;
  }
  return updated;
}

Result<std::int64_t> MappingBulkRepo::Revision() {
  long long revision = 0;
  soci::indicator found = soci::i_null;
  long long tenant = tenant_.value;
  ctx_.sql << "SELECT mapping_revision FROM tenants WHERE id = :tenant",
      soci::into(revision, found), soci::use(tenant);
  if (!ctx_.sql.got_data()) return std::int64_t{0};
  return static_cast<std::int64_t>(revision);
}

}  // namespace avni::store
