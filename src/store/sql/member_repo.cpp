#include "store/member_repo.hpp"

#include <fmt/format.h>

#include "store/sql/membership_row.hpp"
#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

constexpr const char* kSelect = "SELECT tenant_id, user_id, role FROM memberships ";

}  // namespace

Result<Membership> MemberRepo::Put(RowId user_id, Role role) {
  // Checked first so that the answer names what is missing; the foreign keys still guard a
  // row deleted meanwhile.
  if (auto ok = CheckUserExists(ctx_, user_id); !ok) return Fail(ok.error());
  if (auto ok = CheckTenantExists(ctx_, tenant_); !ok) return Fail(ok.error());
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
