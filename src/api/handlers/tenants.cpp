// Tenants: the caller's list, one tenant, and (super-admin) create, rename, deactivate.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "api/handlers/common.hpp"
#include "api/json_body.hpp"
#include "api/paging.hpp"
#include "api/routes.hpp"
#include "store/store.hpp"

namespace avni::api {
namespace {

constexpr std::size_t kMaxName = 200;  // as the schema allows
constexpr std::size_t kMaxType = 100;

Error Forbidden(std::string message) {
  return Error{ErrorCode::kForbidden, std::move(message), {}};
}

// A type names the integration that runs the tenant ("bahmni"), so it is a slug, not prose.
Status CheckType(const std::string& type) {
  if (type.empty()) return Fail(Error::InvalidArgument("type", "type is required"));
  const bool slug = std::ranges::all_of(type, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  if (!slug) {
    return Fail(Error::InvalidArgument(
        "type", fmt::format("type must be lower-case letters, digits, '_' or '-' (as in "
                            "'bahmni'), not '{}'",
                            type)));
  }
  return {};
}

// The tenant as the caller sees it: with the caller's role there.
nlohmann::json TenantForCaller(const Tenant& tenant, Role role) {
  nlohmann::json out = TenantJson(tenant);
  out["role"] = ToString(role);
  return out;
}

Result<Response> ListTenants(Services& services, Request& request) {
  auto page = ParsePage(request, {"id", "name", "type", "created_at"}, "name");
  if (!page) return Fail(page.error());
  const auth::Principal& who = request.principal;
  auto items = services.store.Read([&](store::Tx& tx) -> Result<std::vector<nlohmann::json>> {
    std::vector<nlohmann::json> out;
    if (who.is_super_admin()) {
      auto all = tx.tenants().List();
      if (!all) return Fail(all.error());
      for (const auto& t : *all) out.push_back(TenantForCaller(t, Role::kAdmin));
    } else if (who.api_key) {
      auto own = tx.tenants().Get(who.api_key->tenant_id);
      if (!own) return Fail(own.error());
      out.push_back(TenantForCaller(*own, who.api_key->role));
    } else if (who.user) {
      auto memberships = tx.users().Memberships(who.user->id);
      if (!memberships) return Fail(memberships.error());
      for (const auto& m : *memberships) {
        auto t = tx.tenants().Get(m.tenant_id);
        if (!t) return Fail(t.error());
        out.push_back(TenantForCaller(*t, m.role));
      }
    }
    return out;
  });
  if (!items) return Fail(items.error());
  return JsonResponse(200, PageOf(std::move(*items), *page));
}

Result<Response> CreateTenant(Services& services, Request& request) {
  auto body = JsonBody::Parse(request.body);
  if (!body) return Fail(body.error());
  auto name = body->String("name", kMaxName);
  if (!name) return Fail(name.error());
  auto type = body->String("type", kMaxType);
  if (!type) return Fail(type.error());
  if (auto done = body->Finish(); !done) return Fail(done.error());
  if (auto ok = CheckType(*type); !ok) return Fail(ok.error());

  auto created = services.store.Transact([&](store::Tx& tx) -> Result<Tenant> {
    auto tenant = tx.tenants().Create(*name, *type);
    if (!tenant) return tenant;
    // The tenant's own log starts with its creation, so its admins see where it came from.
    if (auto a = tx.tenant(tenant->id)
                     .audit()
                     .Append(Actor(request), "tenant.create", "tenant",
                             std::to_string(tenant->id.value), "", Dump(TenantJson(*tenant)));
        !a) {
      return Fail(a.error());
    }
    return tenant;
  });
  if (!created) return Fail(created.error());
  Response res = JsonResponse(201, TenantForCaller(*created, Role::kAdmin));
  res.headers.emplace_back("Location", fmt::format("/api/v1/tenants/{}", created->id.value));
  return res;
}

Result<Response> GetTenant(Services& services, Request& request) {
  auto tenant =
      services.store.Read([&](store::Tx& tx) { return tx.tenants().Get(*request.tenant); });
  if (!tenant) return Fail(tenant.error());
  return JsonResponse(200, TenantForCaller(*tenant, *request.tenant_role));
}

// Rename, deactivate, reactivate. The route admits tenant admins (so that the tenant is checked
// like every other tenant route); only a super-admin may go on.
Result<Response> UpdateTenant(Services& services, Request& request) {
  if (!request.principal.is_super_admin()) {
    return Fail(Forbidden("only a super-admin may rename, deactivate or reactivate a tenant"));
  }
  auto body = JsonBody::Parse(request.body);
  if (!body) return Fail(body.error());
  auto name = body->OptionalString("name", kMaxName);
  if (!name) return Fail(name.error());
  auto active = body->OptionalBool("active");
  if (!active) return Fail(active.error());
  if (auto done = body->Finish(); !done) return Fail(done.error());
  if (!*name && !*active) {
    return Fail(Error::InvalidArgument("body", "nothing to change: give name and/or active"));
  }

  const TenantId id = *request.tenant;
  auto updated = services.store.Transact([&](store::Tx& tx) -> Result<Tenant> {
    auto before = tx.tenants().Get(id);
    if (!before) return before;
    Tenant after = *before;
    if (*name && **name != after.name) {
      auto renamed = tx.tenants().Rename(id, **name);
      if (!renamed) return renamed;
      after = *renamed;
    }
    if (*active && **active != after.active) {
      auto set = tx.tenants().SetActive(id, **active);
      if (!set) return set;
      after = *set;
    }
    if (after.name == before->name && after.active == before->active) return after;
    if (auto a = tx.tenant(id).audit().Append(Actor(request), "tenant.update", "tenant",
                                              std::to_string(id.value), Dump(TenantJson(*before)),
                                              Dump(TenantJson(after)));
        !a) {
      return Fail(a.error());
    }
    return after;
  });
  if (!updated) return Fail(updated.error());
  return JsonResponse(200, TenantForCaller(*updated, Role::kAdmin));
}

}  // namespace

void AddTenantRoutes(std::vector<Route>& routes, Services& services) {
  auto bind = [&services](Result<Response> (*fn)(Services&, Request&)) {
    return [&services, fn](Request& r) { return fn(services, r); };
  };
  routes.push_back({"GET", "/api/v1/tenants", Access::kSignedIn, bind(ListTenants),
                    "The caller's tenants (all of them for a super-admin), with the caller's "
                    "role in each; paged, sort by id, name, type or created_at"});
  routes.push_back({"POST", "/api/v1/tenants", Access::kSuperAdmin, bind(CreateTenant),
                    "Create a tenant {name, type}; takes effect at once"});
  routes.push_back(
      {"GET", "/api/v1/tenants/{tenant}", Access::kTenantViewer, bind(GetTenant), "One tenant"});
  routes.push_back({"PATCH", "/api/v1/tenants/{tenant}", Access::kTenantAdmin, bind(UpdateTenant),
                    "Rename, deactivate or reactivate a tenant {name?, active?} (super-admin)"});
}

}  // namespace avni::api
