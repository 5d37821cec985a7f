#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/time.hpp"
#include "domain/ids.hpp"

namespace avni {

// A person who signs in. Users are global; what they may do per tenant is a Membership.
struct User {
  RowId id = 0;
  std::string email;          // stored lower-case; unique
  std::string password_hash;  // argon2id, libsodium's string form
  bool is_super_admin = false;
  bool active = true;
  Timestamp created_at;
  Timestamp updated_at;
};

enum class Role { kAdmin, kEditor, kViewer };

std::string_view ToString(Role role);
std::optional<Role> ParseRole(std::string_view text);

struct Membership {
  TenantId tenant_id;
  RowId user_id = 0;
  Role role = Role::kViewer;
};

}  // namespace avni
