#pragma once

#include <vector>

#include "common/error.hpp"
#include "domain/user.hpp"

namespace avni::store {

struct SqlContext;

// Who may do what in one tenant. Scoped: only this tenant's memberships are seen or changed.
class MemberRepo {
 public:
  MemberRepo(SqlContext& ctx, TenantId tenant) : ctx_(ctx), tenant_(tenant) {}

  // Adds the user or changes their role. Errors: not_found (no such user or tenant).
  Result<Membership> Put(RowId user_id, Role role);
  Result<Membership> Get(RowId user_id);
  Result<std::vector<Membership>> List();
  // Errors: not_found when the user is not a member of this tenant.
  Status Remove(RowId user_id);
  // Serialises membership changes of this tenant until the transaction ends, so that a rule
  // over all members (a tenant keeps an admin) holds under concurrent writers. PostgreSQL locks
  // the tenant's row; SQLite's write transactions are serial already.
  Status LockForChange();

 private:
  SqlContext& ctx_;
  TenantId tenant_;
};

}  // namespace avni::store
