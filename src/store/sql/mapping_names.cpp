// Mapping groups and mapping types: names that organise a tenant's mappings.
#include "store/mapping_repo.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "crypto/password.hpp"
#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

constexpr std::size_t kNameMax = 200;
constexpr std::size_t kUuidMax = 100;

// Mapping groups and mapping types have the same shape and rules; `table` is a constant of
// this file, never input, so splicing it into the SQL text is safe.
struct NamedKind {
  const char* table;
  const char* noun;            // "mapping group"
  const char* mapping_column;  // the mappings column that refers to it
};
constexpr NamedKind kGroups{"mapping_groups", "mapping group", "group_id"};
constexpr NamedKind kTypes{"mapping_types", "mapping type", "type_id"};

struct NamedRow {
  long long id = 0, tenant_id = 0;
  std::string uuid, name;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(uuid));
    st.exchange(soci::into(name));
  }
  template <typename T>
  T To() const {
    return T{id, TenantId{tenant_id}, uuid, name};
  }
};

std::string SelectNamed(const NamedKind& kind) {
  return fmt::format("SELECT id, tenant_id, uuid, name FROM {} WHERE tenant_id = :tenant ",
                     kind.table);
}

Error NoNamedId(const NamedKind& kind, RowId id) {
  return Error::NotFound(fmt::format("no {} with id {} in this tenant", kind.noun, id));
}

Error NameTaken(const NamedKind& kind, std::string_view name) {
  return Error::Conflict(fmt::format(
      "a {} named '{}' already exists in this tenant; choose another name", kind.noun, name));
}

Result<NamedRow> GetNamed(SqlContext& ctx, TenantId tenant, const NamedKind& kind, RowId id) {
  auto row = QueryOne<NamedRow>(ctx.sql, SelectNamed(kind) + "AND id = :id", tenant.value, id);
  if (!row) return Fail(NoNamedId(kind, id));
  return *row;
}

Result<NamedRow> FindNamed(SqlContext& ctx, TenantId tenant, const NamedKind& kind,
                           std::string_view name) {
  auto row = QueryOne<NamedRow>(ctx.sql, SelectNamed(kind) + "AND name = :name", tenant.value,
                                std::string(name));
  if (!row)
    return Fail(Error::NotFound(fmt::format("no {} named '{}' in this tenant", kind.noun, name)));
  return *row;
}

template <typename T>
Result<T> As(const Result<NamedRow>& row) {
  if (!row) return Fail(row.error());
  return row->To<T>();
}

std::vector<NamedRow> ListNamed(SqlContext& ctx, TenantId tenant, const NamedKind& kind) {
  return QueryAll<NamedRow>(ctx.sql, SelectNamed(kind) + "ORDER BY name, id", tenant.value);
}

// The id of another row of this tenant that already has the name, if any.
std::optional<long long> NameHolder(SqlContext& ctx, TenantId tenant, const NamedKind& kind,
                                    const std::string& name, long long except_id) {
  return QueryValue<long long>(
      ctx.sql,
      fmt::format("SELECT id FROM {} WHERE tenant_id = :tenant AND name = :name AND id <> :id",
                  kind.table),
      tenant.value, name, except_id);
}

Result<NamedRow> CreateNamed(SqlContext& ctx, TenantId tenant, const NamedKind& kind,
                             std::string_view name, std::string_view given_uuid) {
  if (auto ok = CheckText("name", name, kNameMax); !ok) return Fail(ok.error());
  if (!given_uuid.empty()) {
    if (auto ok = CheckText("uuid", given_uuid, kUuidMax); !ok) return Fail(ok.error());
  }
  const std::string n(name), uuid = given_uuid.empty() ? NewUuid() : std::string(given_uuid);
  // Checked first so that the message can say which value clashes; the unique constraints
  // still decide when two writers race.
  if (NameHolder(ctx, tenant, kind, n, 0)) return Fail(NameTaken(kind, name));
  if (auto holder =
          QueryOne<NamedRow>(ctx.sql, SelectNamed(kind) + "AND uuid = :uuid", tenant.value, uuid)) {
    return Fail(Error::Conflict(
        fmt::format("the {} '{}' already has uuid '{}'", kind.noun, holder->name, uuid)));
  }
  long long id = 0;
  try {
    id = InsertReturningId(
        ctx.sql,
        fmt::format("INSERT INTO {} (tenant_id, uuid, name) VALUES (:tenant, :uuid, :name) "
                    "RETURNING id",
                    kind.table),
        tenant.value, uuid, n);
  } catch (const std::exception& e) {
    if (Classify(e) == SqlFailure::kUnique) return Fail(NameTaken(kind, name));
    throw;
  }
  return GetNamed(ctx, tenant, kind, id);
}

Result<NamedRow> RenameNamed(SqlContext& ctx, TenantId tenant, const NamedKind& kind, RowId id,
                             std::string_view name) {
  if (auto ok = CheckText("name", name, kNameMax); !ok) return Fail(ok.error());
  if (auto existing = GetNamed(ctx, tenant, kind, id); !existing) return existing;
  const std::string n(name);
  if (NameHolder(ctx, tenant, kind, n, id)) return Fail(NameTaken(kind, name));
  try {
    Exec(ctx.sql,
         fmt::format("UPDATE {} SET name = :name WHERE tenant_id = :tenant AND id = :id",
                     kind.table),
         n, tenant.value, id);
  } catch (const std::exception& e) {
    if (Classify(e) == SqlFailure::kUnique) return Fail(NameTaken(kind, name));
    throw;
  }
  return GetNamed(ctx, tenant, kind, id);
}

// Voided mappings count too: they still refer to the group or type and may be restored.
Status DeleteNamed(SqlContext& ctx, TenantId tenant, const NamedKind& kind, RowId id) {
  auto existing = GetNamed(ctx, tenant, kind, id);
  if (!existing) return Fail(existing.error());
  const long long users =
      QueryValue<long long>(ctx.sql,
                            fmt::format("SELECT COUNT(*) FROM mappings WHERE tenant_id = :tenant "
                                        "AND {} = :id",
                                        kind.mapping_column),
                            tenant.value, id)
          .value_or(0);
  const auto in_use = [&](long long count) {
    return Error::Conflict(fmt::format(
        "{} '{}' is used by {} mapping{} (voided ones included); delete them or move them to "
        "another {} first",
        kind.noun, existing->name, count, count == 1 ? "" : "s", kind.noun));
  };
  if (users > 0) return Fail(in_use(users));
  try {
    Exec(ctx.sql, fmt::format("DELETE FROM {} WHERE tenant_id = :tenant AND id = :id", kind.table),
         tenant.value, id);
  } catch (const std::exception& e) {
    // A mapping written meanwhile by another transaction.
    if (Classify(e) == SqlFailure::kForeignKey) return Fail(in_use(1));
    throw;
  }
  return {};
}

}  // namespace

Result<MappingGroup> MappingRepo::CreateGroup(std::string_view name, std::string_view uuid) {
  return As<MappingGroup>(CreateNamed(ctx_, tenant_, kGroups, name, uuid));
}
Result<MappingGroup> MappingRepo::GetGroup(RowId id) {
  return As<MappingGroup>(GetNamed(ctx_, tenant_, kGroups, id));
}
Result<MappingGroup> MappingRepo::FindGroup(std::string_view name) {
  return As<MappingGroup>(FindNamed(ctx_, tenant_, kGroups, name));
}
Result<std::vector<MappingGroup>> MappingRepo::ListGroups() {
  std::vector<MappingGroup> out;
  for (const auto& row : ListNamed(ctx_, tenant_, kGroups)) out.push_back(row.To<MappingGroup>());
  return out;
}
Result<MappingGroup> MappingRepo::RenameGroup(RowId id, std::string_view name) {
  return As<MappingGroup>(RenameNamed(ctx_, tenant_, kGroups, id, name));
}
Status MappingRepo::DeleteGroup(RowId id) { return DeleteNamed(ctx_, tenant_, kGroups, id); }

Result<MappingType> MappingRepo::CreateType(std::string_view name, std::string_view uuid) {
  return As<MappingType>(CreateNamed(ctx_, tenant_, kTypes, name, uuid));
}
Result<MappingType> MappingRepo::GetType(RowId id) {
  return As<MappingType>(GetNamed(ctx_, tenant_, kTypes, id));
}
Result<MappingType> MappingRepo::FindType(std::string_view name) {
  return As<MappingType>(FindNamed(ctx_, tenant_, kTypes, name));
}
Result<std::vector<MappingType>> MappingRepo::ListTypes() {
  std::vector<MappingType> out;
  for (const auto& row : ListNamed(ctx_, tenant_, kTypes)) out.push_back(row.To<MappingType>());
  return out;
}
Result<MappingType> MappingRepo::RenameType(RowId id, std::string_view name) {
  return As<MappingType>(RenameNamed(ctx_, tenant_, kTypes, id, name));
}
Status MappingRepo::DeleteType(RowId id) { return DeleteNamed(ctx_, tenant_, kTypes, id); }

}  // namespace avni::store
