#include "store/user_repo.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "store/sql/membership_row.hpp"
#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

constexpr std::size_t kMaxEmail = 320;  // RFC 5321: 64 + "@" + 255, rounded as the schema does

constexpr const char* kSelect =
    "SELECT id, email, password_hash, is_super_admin, active, created_at, updated_at FROM users ";

struct UserRow {
  long long id = 0;
  std::string email, password_hash;
  int is_super_admin = 0, active = 1;
  long long created_at = 0, updated_at = 0;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(email));
    st.exchange(soci::into(password_hash));
    st.exchange(soci::into(is_super_admin));
    st.exchange(soci::into(active));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(updated_at));
  }
  User ToUser() const {
    return User{id,
                email,
                password_hash,
                is_super_admin != 0,
                active != 0,
                AtMillis(created_at),
                AtMillis(updated_at)};
  }
};

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

Error NoUser(RowId id) { return Error::NotFound(fmt::format("no user with id {}", id)); }

Status CheckHash(std::string_view password_hash) {
  if (password_hash.empty()) {
    return Fail(Error::InvalidArgument("password_hash", "password_hash is required"));
  }
  return {};
}

}  // namespace

Result<std::string> NormaliseEmail(std::string_view email) {
  while (!email.empty() && IsSpace(email.front())) email.remove_prefix(1);
  while (!email.empty() && IsSpace(email.back())) email.remove_suffix(1);
  auto bad = [](std::string message) { return Fail(Error::InvalidArgument("email", message)); };
  if (email.empty()) return bad("email is required");
  if (email.size() > kMaxEmail) {
    return bad(fmt::format("email must have at most {} characters", kMaxEmail));
  }
  if (std::ranges::any_of(email, [](char c) {
        return IsSpace(c) || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      })) {
    return bad("email must not contain spaces or control characters");
  }
  const auto at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) {
    return bad("email must contain exactly one '@', as in name@example.org");
  }
  if (at == 0 || at + 1 == email.size()) {
    return bad("email needs a name before the '@' and a domain after it, as in name@example.org");
  }
  std::string out(email);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Result<User> UserRepo::Create(std::string_view email, std::string_view password_hash,
                              bool super_admin) {
  auto normal = NormaliseEmail(email);
  if (!normal) return Fail(normal.error());
  if (auto ok = CheckHash(password_hash); !ok) return Fail(ok.error());
  const long long now = ctx_.NowMillis();
  std::optional<long long> id;
  try {
    id = QueryValue<long long>(ctx_.sql,
                               "INSERT INTO users (email, password_hash, is_super_admin, active, "
                               "created_at, updated_at) VALUES (:email, :hash, :super, TRUE, "
                               ":now, :now2) RETURNING id",
                               *normal, std::string(password_hash), super_admin ? 1 : 0, now, now);
  } catch (const std::exception& e) {
    if (Classify(e) == SqlFailure::kUnique) {
      return Fail(Error::Conflict(fmt::format("a user with email {} already exists", *normal)));
    }
    throw;
  }
  return Get(*id);
}

Result<User> UserRepo::Get(RowId id) {
  auto row = QueryOne<UserRow>(ctx_.sql, std::string(kSelect) + "WHERE id = :id", id);
  if (!row) return Fail(NoUser(id));
  return row->ToUser();
}

Result<User> UserRepo::FindByEmail(std::string_view email) {
  // A malformed address cannot belong to a user: it is simply not found (what sign-in needs).
  auto normal = NormaliseEmail(email);
  if (!normal) return Fail(Error::NotFound("no user with that email"));
  auto row = QueryOne<UserRow>(ctx_.sql, std::string(kSelect) + "WHERE email = :email", *normal);
  if (!row) return Fail(Error::NotFound(fmt::format("no user with email {}", *normal)));
  return row->ToUser();
}

Result<std::vector<User>> UserRepo::List() {
  std::vector<User> out;
  for (const auto& row : QueryAll<UserRow>(ctx_.sql, std::string(kSelect) + "ORDER BY email")) {
    out.push_back(row.ToUser());
  }
  return out;
}

Status UserRepo::SetPasswordHash(RowId id, std::string_view password_hash) {
  if (auto ok = CheckHash(password_hash); !ok) return ok;
  if (Exec(ctx_.sql, "UPDATE users SET password_hash = :hash, updated_at = :now WHERE id = :id",
           std::string(password_hash), ctx_.NowMillis(), id) == 0) {
    return Fail(NoUser(id));
  }
  return {};
}

Status UserRepo::SetSuperAdmin(RowId id, bool super_admin) {
  if (Exec(ctx_.sql, "UPDATE users SET is_super_admin = :s, updated_at = :now WHERE id = :id",
           super_admin ? 1 : 0, ctx_.NowMillis(), id) == 0) {
    return Fail(NoUser(id));
  }
  return {};
}

Status UserRepo::SetActive(RowId id, bool active) {
  if (Exec(ctx_.sql, "UPDATE users SET active = :a, updated_at = :now WHERE id = :id",
           active ? 1 : 0, ctx_.NowMillis(), id) == 0) {
    return Fail(NoUser(id));
  }
  return {};
}

Result<std::vector<Membership>> UserRepo::Memberships(RowId user_id) {
  if (auto ok = CheckUserExists(ctx_, user_id); !ok) return Fail(ok.error());
  std::vector<Membership> out;
  for (const auto& row : QueryAll<MembershipRow>(
           ctx_.sql,
           "SELECT tenant_id, user_id, role FROM memberships WHERE user_id = :user "
           "ORDER BY tenant_id",
           user_id)) {
    auto membership = row.ToMembership();
    if (!membership) return Fail(membership.error());
    out.push_back(*membership);
  }
  return out;
}

}  // namespace avni::store
