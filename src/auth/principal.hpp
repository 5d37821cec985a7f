#pragma once

#include <optional>
#include <string>

#include "domain/credential.hpp"
#include "domain/user.hpp"

namespace avni::auth {

// Who is calling: nobody, a signed-in user (by session token, as a bearer token or a cookie),
// or a machine with a tenant's API key.
struct Principal {
  enum class Kind { kAnonymous, kUser, kApiKey };
  Kind kind = Kind::kAnonymous;
  std::optional<User> user;
  std::optional<Session> session;
  bool via_cookie = false;  // cookie-authenticated writes must carry the CSRF header
  std::optional<ApiKey> api_key;

  bool signed_in() const { return kind != Kind::kAnonymous; }
  bool is_super_admin() const { return user && user->is_super_admin; }
  // For logs and the audit trail: "user:ana@example.org" or "api-key:17".
  std::string display() const;
};

}  // namespace avni::auth
