#include "store/mapping_repo.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "crypto/password.hpp"
#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

constexpr std::size_t kValueMax = 1000;
constexpr std::size_t kUuidMax = 100;

constexpr const char* kMappingColumns =
    "SELECT id, tenant_id, uuid, group_id, type_id, avni_value, int_system_value, "
    "data_type_hint, about, voided, created_at, updated_at FROM mappings ";

std::string SelectMapping(std::string_view conditions) {
  return fmt::format("{}WHERE tenant_id = :tenant {}", kMappingColumns, conditions);
}

struct MappingRow {
  long long id = 0, tenant_id = 0, group_id = 0, type_id = 0;
  std::string uuid, avni_value, int_system_value, data_type_hint, about;
  int voided = 0;
  long long created_at = 0, updated_at = 0;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(uuid));
    st.exchange(soci::into(group_id));
    st.exchange(soci::into(type_id));
    st.exchange(soci::into(avni_value));
    st.exchange(soci::into(int_system_value));
    st.exchange(soci::into(data_type_hint));
    st.exchange(soci::into(about));
    st.exchange(soci::into(voided));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(updated_at));
  }
  Mapping ToMapping() const {
    auto hint = ParseDataTypeHint(data_type_hint);
    // The schema's CHECK admits only the known names.
    if (!hint)
      throw std::logic_error("mapping " + std::to_string(id) + " has unknown data_type_hint");
    return Mapping{id,
                   TenantId{tenant_id},
                   uuid,
                   group_id,
                   type_id,
                   avni_value,
                   int_system_value,
                   *hint,
                   about,
                   voided != 0,
                   AtMillis(created_at),
                   AtMillis(updated_at)};
  }
};

Error NoMapping(RowId id) {
  return Error::NotFound(fmt::format("no mapping with id {} in this tenant", id));
}

Status CheckMapping(const Mapping& m) {
  if (auto ok = CheckText("avni_value", m.avni_value, kValueMax); !ok) return ok;
  if (auto ok = CheckText("int_system_value", m.int_system_value, kValueMax); !ok) return ok;
  if (ToString(m.data_type_hint).empty()) {
    return Fail(Error::InvalidArgument(
        "data_type_hint",
        "data_type_hint must be one of Coded, Date, DateTime, Numeric, Text, "
        "Boolean, NA"));
  }
  return {};
}

Status CheckRefs(SqlContext& ctx, TenantId tenant, const Mapping& m) {
  MappingRepo repo(ctx, tenant);
  if (auto g = repo.GetGroup(m.group_id); !g) return Fail(g.error());
  if (auto t = repo.GetType(m.type_id); !t) return Fail(t.error());
  return {};
}

// The rule of the partial unique indexes, checked before writing so that the message can name
// the row in the way (PostgreSQL allows no query after a failed statement in a transaction).
Status CheckNoClash(SqlContext& ctx, TenantId tenant, const Mapping& m, long long except_id) {
  auto clash = QueryOne<MappingRow>(
      ctx.sql,
      SelectMapping("AND group_id = :group AND type_id = :type AND NOT voided AND id <> :id "
                    "AND (avni_value = :avni OR int_system_value = :int) ORDER BY id"),
      tenant.value, m.group_id, m.type_id, except_id, m.avni_value, m.int_system_value);
  if (!clash) return {};
  const bool avni = clash->avni_value == m.avni_value;
  Error error = Error::Conflict(fmt::format(
      "{} '{}' is already mapped in this group and type by mapping {} (avni_value '{}', "
      "int_system_value '{}'); change or void that mapping first",
      avni ? "avni_value" : "int_system_value", avni ? m.avni_value : m.int_system_value, clash->id,
      clash->avni_value, clash->int_system_value));
  error.field = avni ? "avni_value" : "int_system_value";
  return Fail(std::move(error));
}

// The non-voided mapping with that value in `column` (a constant of this file).
Result<Mapping> FindLive(SqlContext& ctx, TenantId tenant, RowId group_id, RowId type_id,
                         std::string_view column, std::string_view value) {
  auto row = QueryOne<MappingRow>(
      ctx.sql,
      SelectMapping(fmt::format(
          "AND group_id = :group AND type_id = :type AND {} = :value AND NOT voided", column)),
      tenant.value, group_id, type_id, std::string(value));
  if (!row) {
    return Fail(Error::NotFound(fmt::format("no mapping of {} '{}' in mapping group {} and type {}",
                                            column, value, group_id, type_id)));
  }
  return row->ToMapping();
}

// What a write that lost a race with another writer (or hit the schema's own rules) means.
std::optional<Error> WriteFailure(const std::exception& e) {
  switch (Classify(e)) {
    case SqlFailure::kUnique:
      return Error::Conflict(
          "another mapping with the same avni_value, int_system_value or uuid was written at "
          "the same time; reload and try again");
    case SqlFailure::kForeignKey:
      return Error::NotFound(
          "the mapping group or type is not of this tenant or was deleted meanwhile; reload and "
          "try again");
    default:
      return std::nullopt;
  }
}

}  // namespace

Result<Mapping> MappingRepo::Create(const Mapping& mapping) {
  if (auto ok = CheckMapping(mapping); !ok) return Fail(ok.error());
  if (!mapping.uuid.empty()) {
    if (auto ok = CheckText("uuid", mapping.uuid, kUuidMax); !ok) return Fail(ok.error());
  }
  if (auto ok = CheckRefs(ctx_, tenant_, mapping); !ok) return Fail(ok.error());
  if (auto ok = CheckNoClash(ctx_, tenant_, mapping, 0); !ok) return Fail(ok.error());
  const std::string uuid = mapping.uuid.empty() ? NewUuid() : mapping.uuid;
  if (auto holder = QueryValue<long long>(
          ctx_.sql, "SELECT id FROM mappings WHERE tenant_id = :tenant AND uuid = :uuid",
          tenant_.value, uuid)) {
    return Fail(Error::Conflict(fmt::format("mapping {} already has uuid '{}'", *holder, uuid)));
  }
  const std::string hint(ToString(mapping.data_type_hint));
  const long long now = ctx_.NowMillis();
  std::optional<long long> id;
  try {
    id = QueryValue<long long>(
        ctx_.sql,
        "INSERT INTO mappings (tenant_id, uuid, group_id, type_id, avni_value, int_system_value, "
        "data_type_hint, about, voided, created_at, updated_at) VALUES (:tenant, :uuid, :group, "
        ":type, :avni, :int, :hint, :about, FALSE, :now, :now2) RETURNING id",
        tenant_.value, uuid, mapping.group_id, mapping.type_id, mapping.avni_value,
        mapping.int_system_value, hint, mapping.about, now, now);
  } catch (const std::exception& e) {
    if (auto error = WriteFailure(e)) return Fail(*error);
    throw;
  }
  return Get(*id);
}

Result<Mapping> MappingRepo::Get(RowId id) {
  auto row = QueryOne<MappingRow>(ctx_.sql, SelectMapping("AND id = :id"), tenant_.value, id);
  if (!row) return Fail(NoMapping(id));
  return row->ToMapping();
}

Result<Mapping> MappingRepo::Update(const Mapping& mapping) {
  auto existing = Get(mapping.id);
  if (!existing) return existing;
  if (auto ok = CheckMapping(mapping); !ok) return Fail(ok.error());
  if (auto ok = CheckRefs(ctx_, tenant_, mapping); !ok) return Fail(ok.error());
  // A voided mapping is outside the uniqueness rule until it is restored.
  if (!existing->voided) {
    if (auto ok = CheckNoClash(ctx_, tenant_, mapping, mapping.id); !ok) return Fail(ok.error());
  }
  const std::string hint(ToString(mapping.data_type_hint));
  try {
    Exec(ctx_.sql,
         "UPDATE mappings SET group_id = :group, type_id = :type, avni_value = :avni, "
         "int_system_value = :int, data_type_hint = :hint, about = :about, updated_at = :now "
         "WHERE tenant_id = :tenant AND id = :id",
         mapping.group_id, mapping.type_id, mapping.avni_value, mapping.int_system_value, hint,
         mapping.about, ctx_.NowMillis(), tenant_.value, mapping.id);
  } catch (const std::exception& e) {
    if (auto error = WriteFailure(e)) return Fail(*error);
    throw;
  }
  return Get(mapping.id);
}

Result<Mapping> MappingRepo::SetVoided(RowId id, bool voided) {
  auto existing = Get(id);
  if (!existing || existing->voided == voided) return existing;
  if (!voided) {
    if (auto ok = CheckNoClash(ctx_, tenant_, *existing, id); !ok) return Fail(ok.error());
  }
  try {
    Exec(ctx_.sql,
         "UPDATE mappings SET voided = :voided, updated_at = :now WHERE tenant_id = :tenant "
         "AND id = :id",
         voided ? 1 : 0, ctx_.NowMillis(), tenant_.value, id);
  } catch (const std::exception& e) {
    if (auto error = WriteFailure(e)) return Fail(*error);
    throw;
  }
  return Get(id);
}

namespace {

// The WHERE clause of a filter and its values, bound in the order their placeholders appear.
// Holds copies of the values so that they outlive the statement that refers to them.
class FilterClause {
 public:
  FilterClause(TenantId tenant, const MappingFilter& f)
      : tenant_(tenant.value),
        group_(f.group_id),
        type_(f.type_id),
        avni_(f.avni_value),
        int_(f.int_system_value) {
    sql_ = "WHERE tenant_id = :tenant";
    if (group_) sql_ += " AND group_id = :group";
    if (type_) sql_ += " AND type_id = :type";
    if (avni_) sql_ += " AND avni_value = :avni";
    if (int_) sql_ += " AND int_system_value = :int";
    if (f.data_type_hint) {
      hint_ = std::string(ToString(*f.data_type_hint));
      sql_ += " AND data_type_hint = :hint";
    }
    if (f.q && !f.q->empty()) {
      // lower() on both sides folds ASCII letters on both backends; PostgreSQL folds other
      // letters too, but SQLite's lower() does not, so there "É" and "é" stay different.
      q_ = ContainsPattern(*f.q);
      sql_ +=
          " AND (lower(avni_value) LIKE lower(:q1) ESCAPE '\\' OR lower(int_system_value) LIKE "
          "lower(:q2) ESCAPE '\\' OR lower(about) LIKE lower(:q3) ESCAPE '\\')";
    }
    if (!f.include_voided) sql_ += " AND NOT voided";
  }

  const std::string& sql() const { return sql_; }
  void Bind(soci::statement& st) {
    st.exchange(soci::use(tenant_));
    if (group_) st.exchange(soci::use(*group_));
    if (type_) st.exchange(soci::use(*type_));
    if (avni_) st.exchange(soci::use(*avni_));
    if (int_) st.exchange(soci::use(*int_));
    if (hint_) st.exchange(soci::use(*hint_));
    if (q_) {
      for (int i = 0; i < 3; ++i) st.exchange(soci::use(*q_));
    }
  }

 private:
  long long tenant_;
  std::optional<long long> group_, type_;
  std::optional<std::string> avni_, int_, hint_, q_;
  std::string sql_;
};

// The ORDER BY of a filter, from constants only: nothing of the caller's reaches the SQL text.
// Text is compared by code point (PostgreSQL's "C" collation, SQLite's default BINARY) after
// lower(), then as it is: one order on both backends whatever the database's locale, except
// that PostgreSQL's lower() also folds non-ASCII letters and SQLite's does not.
Status CheckFilterText(const MappingFilter& f) {
  for (const auto& [field, value] : {std::pair{"q", &f.q}, std::pair{"avni_value", &f.avni_value},
                                     std::pair{"int_system_value", &f.int_system_value}}) {
    if (!*value) continue;
    if (auto ok = CheckNoNul(field, **value); !ok) return ok;
  }
  return {};
}

std::string OrderBy(Backend backend, const MappingFilter& f) {
  const char* collate = backend == Backend::kPostgres ? " COLLATE \"C\"" : "";
  const char* dir = f.descending ? " DESC" : "";
  const auto text = [&](const char* column) {
    return fmt::format("lower({0}){1}{2}, {0}{1}{2}, ", column, collate, dir);
  };
  std::string keys;
  switch (f.sort) {
    case MappingSort::kId:
      break;
    case MappingSort::kAvniValue:
      keys = text("avni_value");
      break;
    case MappingSort::kIntSystemValue:
      keys = text("int_system_value");
      break;
    case MappingSort::kDataTypeHint:
      keys = text("data_type_hint");
      break;
    case MappingSort::kUpdatedAt:
      keys = fmt::format("updated_at{}, ", dir);
      break;
  }
  return fmt::format(" ORDER BY {}id{}", keys, dir);
}

constexpr int kMaxPage = 10000;

}  // namespace

Result<std::vector<Mapping>> MappingRepo::List(const MappingFilter& filter) {
  if (filter.limit < 1 || filter.limit > kMaxPage) {
    return Fail(
        Error::InvalidArgument("limit", fmt::format("limit must be between 1 and {}", kMaxPage)));
  }
  if (filter.offset < 0) {
    return Fail(Error::InvalidArgument("offset", "offset must not be negative"));
  }
  if (auto ok = CheckFilterText(filter); !ok) return Fail(ok.error());
  FilterClause where(tenant_, filter);
  int limit = filter.limit, offset = filter.offset;
  MappingRow row;
  soci::statement st(ctx_.sql);
  row.Bind(st);
  where.Bind(st);
  st.exchange(soci::use(limit));
  st.exchange(soci::use(offset));
  st.alloc();
  st.prepare(kMappingColumns + where.sql() + OrderBy(ctx_.backend, filter) +
             " LIMIT :limit OFFSET :offset");
  st.define_and_bind();
  std::vector<Mapping> out;
  if (st.execute(true)) {
    do {
      out.push_back(row.ToMapping());
    } while (st.fetch());
  }
  return out;
}

Result<std::int64_t> MappingRepo::Count(const MappingFilter& filter) {
  if (auto ok = CheckFilterText(filter); !ok) return Fail(ok.error());
  FilterClause where(tenant_, filter);
  long long count = 0;
  soci::statement st(ctx_.sql);
  st.exchange(soci::into(count));
  where.Bind(st);
  st.alloc();
  st.prepare("SELECT COUNT(*) FROM mappings " + where.sql());
  st.define_and_bind();
  st.execute(true);
  return count;
}

Result<Mapping> MappingRepo::FindByIntValue(RowId group_id, RowId type_id,
                                            std::string_view int_system_value) {
  return FindLive(ctx_, tenant_, group_id, type_id, "int_system_value", int_system_value);
}

Result<Mapping> MappingRepo::FindByAvniValue(RowId group_id, RowId type_id,
                                             std::string_view avni_value) {
  return FindLive(ctx_, tenant_, group_id, type_id, "avni_value", avni_value);
}

}  // namespace avni::store
