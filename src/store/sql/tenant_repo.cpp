#include "store/tenant_repo.hpp"

#include <fmt/format.h>

#include "crypto/password.hpp"
#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

constexpr const char* kSelect =
    "SELECT id, uuid, name, type, active, created_at, updated_at FROM tenants ";

struct TenantRow {
  long long id = 0;
  std::string uuid, name, type;
  int active = 1;
  long long created_at = 0, updated_at = 0;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(uuid));
    st.exchange(soci::into(name));
    st.exchange(soci::into(type));
    st.exchange(soci::into(active));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(updated_at));
  }
  Tenant ToTenant() const {
    return Tenant{TenantId{id},        uuid, name, type, active != 0, AtMillis(created_at),
                  AtMillis(updated_at)};
  }
};

Error NameTaken(std::string_view name) {
  return Error::Conflict(fmt::format("a tenant named '{}' already exists", name));
}

}  // namespace

Result<Tenant> TenantRepo::Create(std::string_view name, std::string_view type) {
  if (auto ok = CheckText("name", name, 200); !ok) return Fail(ok.error());
  if (auto ok = CheckText("type", type, 100); !ok) return Fail(ok.error());
  const std::string uuid = NewUuid(), n(name), t(type);
  const long long now = ctx_.NowMillis();
  long long id = 0;
  try {
    id = InsertReturningId(ctx_.sql,
                           "INSERT INTO tenants (uuid, name, type, active, created_at, "
                           "updated_at) VALUES (:uuid, :name, :type, TRUE, :now, :now2) "
                           "RETURNING id",
                           uuid, n, t, now, now);
  } catch (const std::exception& e) {
    if (Classify(e) == SqlFailure::kUnique) return Fail(NameTaken(name));
    throw;
  }
  // Its two jobs, with the defaults migration 0004 gave the tenants that existed before.
  Exec(ctx_.sql,
       "INSERT INTO jobs (tenant_id, name, cron) VALUES (:tenant, 'main', '0 */5 * * * ?'), "
       "(:tenant2, 'errors', '0 30 * * * ?')",
       id, id);
  return Get(TenantId{id});
}

Result<Tenant> TenantRepo::Get(TenantId id) {
  auto row = QueryOne<TenantRow>(ctx_.sql, std::string(kSelect) + "WHERE id = :id", id.value);
  if (!row) return Fail(Error::NotFound(fmt::format("no tenant with id {}", id.value)));
  return row->ToTenant();
}

Result<Tenant> TenantRepo::FindByName(std::string_view name) {
  auto row =
      QueryOne<TenantRow>(ctx_.sql, std::string(kSelect) + "WHERE name = :name", std::string(name));
  if (!row) return Fail(Error::NotFound(fmt::format("no tenant named '{}'", name)));
  return row->ToTenant();
}

Result<std::vector<Tenant>> TenantRepo::List() {
  std::vector<Tenant> out;
  for (const auto& row : QueryAll<TenantRow>(ctx_.sql, std::string(kSelect) + "ORDER BY name")) {
    out.push_back(row.ToTenant());
  }
  return out;
}

Result<Tenant> TenantRepo::Rename(TenantId id, std::string_view name) {
  if (auto ok = CheckText("name", name, 200); !ok) return Fail(ok.error());
  try {
    if (Exec(ctx_.sql, "UPDATE tenants SET name = :name, updated_at = :now WHERE id = :id",
             std::string(name), ctx_.NowMillis(), id.value) == 0) {
      return Fail(Error::NotFound(fmt::format("no tenant with id {}", id.value)));
    }
  } catch (const std::exception& e) {
    if (Classify(e) == SqlFailure::kUnique) return Fail(NameTaken(name));
    throw;
  }
  return Get(id);
}

Result<Tenant> TenantRepo::SetActive(TenantId id, bool active) {
  if (Exec(ctx_.sql, "UPDATE tenants SET active = :a, updated_at = :now WHERE id = :id",
           active ? 1 : 0, ctx_.NowMillis(), id.value) == 0) {
    return Fail(Error::NotFound(fmt::format("no tenant with id {}", id.value)));
  }
  return Get(id);
}

}  // namespace avni::store
