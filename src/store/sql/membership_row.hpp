#pragma once
// Private to the store module: a memberships row as read by the user and member repositories.

#include <fmt/format.h>

#include <string>

#include "domain/user.hpp"
#include "store/sql/sql_context.hpp"

namespace avni::store {

// Read with "SELECT tenant_id, user_id, role FROM memberships ...".
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

}  // namespace avni::store
