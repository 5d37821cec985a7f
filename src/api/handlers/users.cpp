// Users (super-admin only): list, create, show, grant or revoke super-admin, deactivate,
// reactivate, and reset a password. Audited in the global audit log, never with a password.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/handlers/common.hpp"
#include "api/json_body.hpp"
#include "api/paging.hpp"
#include "api/routes.hpp"
#include "crypto/password.hpp"
#include "store/store.hpp"

namespace avni::api {
namespace {

constexpr std::size_t kMaxEmail = 320;
constexpr std::size_t kMaxPassword = 1024;

// The password policy's error, naming the field the caller sent.
Result<std::string> Hash(const std::string& password) {
  auto hash = HashPassword(password);
  if (!hash) {
    Error e = hash.error();
    e.field = "password";
    return Fail(e);
  }
  return hash;
}

Status AuditUser(store::Tx& tx, const Request& request, std::string_view action, RowId id,
                 const std::string& before, const std::string& after) {
  auto a =
      tx.global_audit().Append(Actor(request), action, "user", std::to_string(id), before, after);
  if (!a) return Fail(a.error());
  return {};
}

Result<Response> ListUsers(Services& services, Request& request) {
  auto page = ParsePage(request, {"id", "email", "created_at"}, "email");
  if (!page) return Fail(page.error());
  auto users = services.store.Read([](store::Tx& tx) { return tx.users().List(); });
  if (!users) return Fail(users.error());
  std::vector<nlohmann::json> items;
  items.reserve(users->size());
  for (const auto& u : *users) items.push_back(UserJson(u));
  return JsonResponse(200, PageOf(std::move(items), *page));
}

Result<Response> CreateUser(Services& services, Request& request) {
  auto body = JsonBody::Parse(request.body);
  if (!body) return Fail(body.error());
  auto email = body->String("email", kMaxEmail);
  if (!email) return Fail(email.error());
  auto password = body->String("password", kMaxPassword);
  if (!password) return Fail(password.error());
  auto super_admin = body->OptionalBool("super_admin");
  if (!super_admin) return Fail(super_admin.error());
  if (auto done = body->Finish(); !done) return Fail(done.error());
  // Checked before hashing: a bad address should not cost a tenth of a second of argon2.
  if (auto normal = store::NormaliseEmail(*email); !normal) return Fail(normal.error());
  auto hash = Hash(*password);
  if (!hash) return Fail(hash.error());

  auto created = services.store.Transact([&](store::Tx& tx) -> Result<User> {
    auto user = tx.users().Create(*email, *hash, super_admin->value_or(false));
    if (!user) return user;
    if (auto a = AuditUser(tx, request, "user.create", user->id, "", Dump(UserJson(*user))); !a) {
      return Fail(a.error());
    }
    return user;
  });
  if (!created) return Fail(created.error());
  Response res = JsonResponse(201, UserJson(*created));
  res.headers.emplace_back("Location", fmt::format("/api/v1/users/{}", created->id));
  return res;
}

Result<Response> GetUser(Services& services, Request& request) {
  auto id = IdParam(request, "user");
  if (!id) return Fail(id.error());
  auto shown = services.store.Read([&](store::Tx& tx) -> Result<nlohmann::json> {
    auto user = tx.users().Get(*id);
    if (!user) return Fail(user.error());
    auto memberships = tx.users().Memberships(*id);
    if (!memberships) return Fail(memberships.error());
    nlohmann::json out = UserJson(*user);
    out["memberships"] = nlohmann::json::array();
    for (const auto& m : *memberships) {
      auto tenant = tx.tenants().Get(m.tenant_id);
      if (!tenant) return Fail(tenant.error());
      out["memberships"].push_back({{"tenant_id", tenant->id.value},
                                    {"tenant_name", tenant->name},
                                    {"role", ToString(m.role)}});
    }
    return out;
  });
  if (!shown) return Fail(shown.error());
  return JsonResponse(200, *shown);
}

// Grants or revokes super-admin, deactivates or reactivates. A deactivated user's sessions end
// in the same transaction, so their next call is refused.
Result<Response> UpdateUser(Services& services, Request& request) {
  auto id = IdParam(request, "user");
  if (!id) return Fail(id.error());
  auto body = JsonBody::Parse(request.body);
  if (!body) return Fail(body.error());
  auto super_admin = body->OptionalBool("super_admin");
  if (!super_admin) return Fail(super_admin.error());
  auto active = body->OptionalBool("active");
  if (!active) return Fail(active.error());
  if (auto done = body->Finish(); !done) return Fail(done.error());
  if (!*super_admin && !*active) {
    return Fail(
        Error::InvalidArgument("body", "nothing to change: give super_admin and/or active"));
  }
  // The caller is an active super-admin; refusing these keeps at least one such user, and
  // nobody locks themselves out by a slip.
  const auto& caller = request.principal.user;
  if (caller && caller->id == *id) {
    if (*super_admin && !**super_admin) {
      return Fail(Error::Conflict(
          "you may not remove your own super-admin flag; ask another super-admin to do it"));
    }
    if (*active && !**active) {
      return Fail(
          Error::Conflict("you may not deactivate yourself; ask another super-admin to do it"));
    }
  }

  auto updated = services.store.Transact([&](store::Tx& tx) -> Result<nlohmann::json> {
    auto before = tx.users().Get(*id);
    if (!before) return Fail(before.error());
    if (*super_admin && **super_admin != before->is_super_admin) {
      if (auto ok = tx.users().SetSuperAdmin(*id, **super_admin); !ok) return Fail(ok.error());
    }
    std::int64_t ended = 0;
    if (*active && **active != before->active) {
      if (auto ok = tx.users().SetActive(*id, **active); !ok) return Fail(ok.error());
      if (!**active) {
        auto n = tx.credentials().DeleteUserSessions(*id, std::nullopt);
        if (!n) return Fail(n.error());
        ended = *n;
      }
    }
    auto after = tx.users().Get(*id);
    if (!after) return Fail(after.error());
    if (after->is_super_admin != before->is_super_admin || after->active != before->active) {
      if (auto a = AuditUser(tx, request, "user.update", *id, Dump(UserJson(*before)),
                             Dump(UserJson(*after)));
          !a) {
        return Fail(a.error());
      }
    }
    nlohmann::json out = UserJson(*after);
    out["sessions_ended"] = ended;
    return out;
  });
  if (!updated) return Fail(updated.error());
  return JsonResponse(200, *updated);
}

// An administrator sets a new password for a user who lost theirs; every session of that user
// ends, whoever holds it.
Result<Response> ResetPassword(Services& services, Request& request) {
  auto id = IdParam(request, "user");
  if (!id) return Fail(id.error());
  auto body = JsonBody::Parse(request.body);
  if (!body) return Fail(body.error());
  auto password = body->String("password", kMaxPassword);
  if (!password) return Fail(password.error());
  if (auto done = body->Finish(); !done) return Fail(done.error());
  auto hash = Hash(*password);
  if (!hash) return Fail(hash.error());

  auto ended = services.store.Transact([&](store::Tx& tx) -> Result<std::int64_t> {
    if (auto ok = tx.users().SetPasswordHash(*id, *hash); !ok) return Fail(ok.error());
    auto n = tx.credentials().DeleteUserSessions(*id, std::nullopt);
    if (!n) return n;
    if (auto a = AuditUser(tx, request, "user.password_reset", *id, "", ""); !a) {
      return Fail(a.error());
    }
    return n;
  });
  if (!ended) return Fail(ended.error());
  return JsonResponse(200, {{"sessions_ended", *ended}});
}

}  // namespace

void AddUserRoutes(std::vector<Route>& routes, Services& services) {
  auto bind = [&services](Result<Response> (*fn)(Services&, Request&)) {
    return [&services, fn](Request& r) { return fn(services, r); };
  };
  routes.push_back({"GET", "/api/v1/users", Access::kSuperAdmin, bind(ListUsers),
                    "Every user; paged, sort by id, email or created_at"});
  routes.push_back({"POST", "/api/v1/users", Access::kSuperAdmin, bind(CreateUser),
                    "Create a user {email, password, super_admin?}"});
  routes.push_back({"GET", "/api/v1/users/{user}", Access::kSuperAdmin, bind(GetUser),
                    "One user, with their tenants and roles"});
  routes.push_back({"PATCH", "/api/v1/users/{user}", Access::kSuperAdmin, bind(UpdateUser),
                    "Grant or revoke super-admin, deactivate or reactivate a user "
                    "{super_admin?, active?}; deactivating ends their sessions"});
  routes.push_back({"POST", "/api/v1/users/{user}/password", Access::kSuperAdmin,
                    bind(ResetPassword),
                    "Set a user's password {password} (admin reset); ends all their sessions"});
}

}  // namespace avni::api
