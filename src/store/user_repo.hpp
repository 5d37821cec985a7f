#pragma once

#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "domain/user.hpp"

namespace avni::store {

struct SqlContext;

// Users are global; emails are stored lower-case and unique. Password hashes come in already
// hashed (see crypto/password.hpp): the store never sees a password.
class UserRepo {
 public:
  explicit UserRepo(SqlContext& ctx) : ctx_(ctx) {}

  // Errors: invalid_argument (email not an address), conflict (email taken).
  Result<User> Create(std::string_view email, std::string_view password_hash, bool super_admin);
  Result<User> Get(RowId id);
  Result<User> FindByEmail(std::string_view email);
  Result<std::vector<User>> List();
  Status SetPasswordHash(RowId id, std::string_view password_hash);
  Status SetSuperAdmin(RowId id, bool super_admin);
  Status SetActive(RowId id, bool active);
  // The user's own memberships across tenants (what /me shows).
  Result<std::vector<Membership>> Memberships(RowId user_id);

 private:
  SqlContext& ctx_;
};

// Lower-cases and checks an email address. Errors: invalid_argument naming "email".
Result<std::string> NormaliseEmail(std::string_view email);

}  // namespace avni::store
