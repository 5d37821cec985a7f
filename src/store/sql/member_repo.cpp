#include "store/member_repo.hpp"

#include <fmt/format.h>

#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

constexpr const char* kSelect = "SELECT tenant_id, user_id, role FROM memberships ";

struct MembershipRow {
  long long tenant_id = 0, user_id = 0;
  std::string role;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(user_id));
    st.exchange(soci::into(role));
  }
  Result<Membership> ToMembership() const {
    auto parsed = ParseRole(role);
    if (!parsed) return Fail(Error::Internal(fmt::format("unknown role '{}' stored", role)));
    return Membership{TenantId{tenant_id}, user_id, *parsed};
  }
};

bool Exists(soci::session& sql, const std::string& query, RowId id) {
  return QueryValue<long long>(sql, query, id).value_or(0) > 0;
}

}  // namespace

Result<Membership> MemberRepo::Put(RowId user_id, Role role) {
  // Checked first so that the answer names what is missing; the foreign keys still guard a
  // row deleted meanwhile.
  if (!Exists(ctx_.sql, "SELECT COUNT(*) FROM users WHERE id = :id", user_id)) {
    return Fail(Error::NotFound(fmt::format("no user with id {}", user_id)));
  }
  if (!Exists(ctx_.sql, "SELECT COUNT(*) FROM tenants WHERE id = :id", tenant_.value)) {
    return Fail(Error::NotFound(fmt::format("no tenant with id {}", tenant_.value)));
  }
  Exec(ctx_.sql,
       "INSERT INTO memberships (tenant_id, user_id, role) VALUES (:tenant, :user, :role) "
       "ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = excluded.role",
       tenant_.value, user_id, std::string(ToString(role)));
  return Get(user_id);
}

Result<Membership> MemberRepo::Get(RowId user_id) {
  auto row = QueryOne<MembershipRow>(
      ctx_.sql, std::string(kSelect) + "WHERE tenant_id = :tenant AND user_id = :user",
      tenant_.value, user_id);
  if (!row) {
    return Fail(Error::NotFound(
        fmt::format("user {} is not a member of tenant {}", user_id, tenant_.value)));
  }
  return row->ToMembership();
}

Result<std::vector<Membership>> MemberRepo::List() {
  std::vector<Membership> out;
  for (const auto& row : QueryAll<MembershipRow>(
           ctx_.sql, std::string(kSelect) + "WHERE tenant_id = :tenant ORDER BY user_id",
           tenant_.value)) {
    auto m = row.ToMembership();
    if (!m) return Fail(m.error());
    out.push_back(*m);
  }
  return out;
}

Status MemberRepo::LockForChange() {
  if (ctx_.backend == Backend::kPostgres) {
    if (!QueryValue<long long>(ctx_.sql, "SELECT id FROM tenants WHERE id = :id FOR UPDATE",
                               tenant_.value)) {
      return Fail(Error::NotFound(fmt::format("no tenant with id {}", tenant_.value)));
    }
  }
  return {};
}

Status MemberRepo::Remove(RowId user_id) {
  if (Exec(ctx_.sql, "DELETE FROM memberships WHERE tenant_id = :tenant AND user_id = :user",
           tenant_.value, user_id) == 0) {
    return Fail(Error::NotFound(
        fmt::format("user {} is not a member of tenant {}", user_id, tenant_.value)));
  }
  return {};
}

}  // namespace avni::store
