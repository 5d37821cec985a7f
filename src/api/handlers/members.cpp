// A tenant's members: who may do what in it. A tenant always keeps at least one admin, so that
// somebody other than a super-admin can still manage it.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/handlers/common.hpp"
#include "api/json_body.hpp"
#include "api/paging.hpp"
#include "api/routes.hpp"
#include "store/store.hpp"

namespace avni::api {
namespace {

constexpr std::size_t kMaxEmail = 320;

nlohmann::json MemberJson(const Membership& member, const User& user) {
  return {{"user_id", member.user_id}, {"email", user.email}, {"role", ToString(member.role)}};
}

Result<Role> RoleField(JsonBody& body) {
  auto text = body.String("role", 50);
  if (!text) return Fail(text.error());
  auto role = ParseRole(*text);
  if (!role) {
    return Fail(Error::InvalidArgument(
        "role", fmt::format("role must be one of admin, editor, viewer, not '{}'", *text)));
  }
  return *role;
}

// Refuses a change that would leave the tenant without an admin. `member` is the membership
// about to be removed or demoted.
Status KeepAnAdmin(store::TenantScope& scope, const Membership& member, const User& user,
                   std::string_view change) {
  if (member.role != Role::kAdmin) return {};
  // Two admins demoting each other at once must not both see the other still there.
  if (auto locked = scope.members().LockForChange(); !locked) return locked;
  auto all = scope.members().List();
  if (!all) return Fail(all.error());
  const auto admins = std::count_if(all->begin(), all->end(),
                                    [](const Membership& m) { return m.role == Role::kAdmin; });
  if (admins > 1) return {};
  return Fail(Error::Conflict(fmt::format(
      "cannot {} {}: they are the last admin of tenant {}; make another member admin first", change,
      user.email, scope.tenant_id().value)));
}

Result<Response> ListMembers(Services& services, Request& request) {
  auto page = ParsePage(request, {"email", "role", "user_id"}, "email");
  if (!page) return Fail(page.error());
  auto items = services.store.Read([&](store::Tx& tx) -> Result<std::vector<nlohmann::json>> {
    auto members = tx.tenant(*request.tenant).members().List();
    if (!members) return Fail(members.error());
    std::vector<nlohmann::json> out;
    out.reserve(members->size());
    for (const auto& m : *members) {
      auto user = tx.users().Get(m.user_id);
      if (!user) return Fail(user.error());
      out.push_back(MemberJson(m, *user));
    }
    return out;
  });
  if (!items) return Fail(items.error());
  return JsonResponse(200, PageOf(std::move(*items), *page));
}

// Adds an existing user by email; users themselves are made by a super-admin.
Result<Response> AddMember(Services& services, Request& request) {
  auto body = JsonBody::Parse(request.body);
  if (!body) return Fail(body.error());
  auto email = body->String("email", kMaxEmail);
  if (!email) return Fail(email.error());
  auto role = RoleField(*body);
  if (!role) return Fail(role.error());
  if (auto done = body->Finish(); !done) return Fail(done.error());

  auto added = services.store.Transact([&](store::Tx& tx) -> Result<nlohmann::json> {
    auto user = tx.users().FindByEmail(*email);
    if (!user) {
      if (user.error().code != ErrorCode::kNotFound) return Fail(user.error());
      Error missing = Error::NotFound(fmt::format(
          "no user with email '{}'; a super-admin creates users (POST /api/v1/users)", *email));
      missing.field = "email";
      return Fail(missing);
    }
    auto scope = tx.tenant(*request.tenant);
    if (auto existing = scope.members().Get(user->id); existing) {
      return Fail(Error::Conflict(
          fmt::format("{} is already a member of tenant {} (role {}); change the role with PATCH "
                      "/api/v1/tenants/{}/members/{}",
                      user->email, request.tenant->value, ToString(existing->role),
                      request.tenant->value, user->id)));
    } else if (existing.error().code != ErrorCode::kNotFound) {
      return Fail(existing.error());
    }
    auto member = scope.members().Put(user->id, *role);
    if (!member) return Fail(member.error());
    const nlohmann::json after = MemberJson(*member, *user);
    auto audited = scope.audit().Append(Actor(request), "member.add", "member",
                                        std::to_string(user->id), "", Dump(after));
    if (!audited) return Fail(audited.error());
    return after;
  });
  if (!added) return Fail(added.error());
  return JsonResponse(201, *added);
}

Result<Response> ChangeRole(Services& services, Request& request) {
  auto user_id = IdParam(request, "user");
  if (!user_id) return Fail(user_id.error());
  auto body = JsonBody::Parse(request.body);
  if (!body) return Fail(body.error());
  auto role = RoleField(*body);
  if (!role) return Fail(role.error());
  if (auto done = body->Finish(); !done) return Fail(done.error());

  auto changed = services.store.Transact([&](store::Tx& tx) -> Result<nlohmann::json> {
    auto scope = tx.tenant(*request.tenant);
    auto member = scope.members().Get(*user_id);
    if (!member) return Fail(member.error());
    auto user = tx.users().Get(*user_id);
    if (!user) return Fail(user.error());
    const nlohmann::json before = MemberJson(*member, *user);
    if (member->role == *role) return before;
    if (*role != Role::kAdmin) {
      if (auto ok = KeepAnAdmin(scope, *member, *user, "demote"); !ok) return Fail(ok.error());
    }
    auto updated = scope.members().Put(*user_id, *role);
    if (!updated) return Fail(updated.error());
    const nlohmann::json after = MemberJson(*updated, *user);
    auto audited = scope.audit().Append(Actor(request), "member.update", "member",
                                        std::to_string(*user_id), Dump(before), Dump(after));
    if (!audited) return Fail(audited.error());
    return after;
  });
  if (!changed) return Fail(changed.error());
  return JsonResponse(200, *changed);
}

Result<Response> RemoveMember(Services& services, Request& request) {
  auto user_id = IdParam(request, "user");
  if (!user_id) return Fail(user_id.error());
  auto done = services.store.Transact([&](store::Tx& tx) -> Status {
    auto scope = tx.tenant(*request.tenant);
    auto member = scope.members().Get(*user_id);
    if (!member) return Fail(member.error());
    auto user = tx.users().Get(*user_id);
    if (!user) return Fail(user.error());
    if (auto ok = KeepAnAdmin(scope, *member, *user, "remove"); !ok) return ok;
    if (auto ok = scope.members().Remove(*user_id); !ok) return ok;
    auto audited =
        scope.audit().Append(Actor(request), "member.remove", "member", std::to_string(*user_id),
                             Dump(MemberJson(*member, *user)), "");
    if (!audited) return Fail(audited.error());
    return {};
  });
  if (!done) return Fail(done.error());
  return Response{204, ""};
}

}  // namespace

void AddMemberRoutes(std::vector<Route>& routes, Services& services) {
  auto bind = [&services](Result<Response> (*fn)(Services&, Request&)) {
    return [&services, fn](Request& r) { return fn(services, r); };
  };
  routes.push_back({"GET", "/api/v1/tenants/{tenant}/members", Access::kTenantViewer,
                    bind(ListMembers), "The tenant's members and their roles (paged)"});
  routes.push_back({"POST", "/api/v1/tenants/{tenant}/members", Access::kTenantAdmin,
                    bind(AddMember), "Add an existing user, by email, with a role"});
  routes.push_back({"PATCH", "/api/v1/tenants/{tenant}/members/{user}", Access::kTenantAdmin,
                    bind(ChangeRole), "Change a member's role"});
  routes.push_back({"DELETE", "/api/v1/tenants/{tenant}/members/{user}", Access::kTenantAdmin,
                    bind(RemoveMember), "Remove a member from the tenant"});
}

}  // namespace avni::api
