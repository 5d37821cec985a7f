// A tenant's API keys, for machines. A key is shown once, in the answer that makes it; only its
// hash and a short prefix (to tell keys apart in lists) are kept.
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/handlers/common.hpp"
#include "api/json_body.hpp"
#include "api/paging.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "store/store.hpp"

namespace avni::api {
namespace {

constexpr std::size_t kMaxName = 200;

// Never the hash: it is as good as the key against a stolen-database offline guess.
nlohmann::json KeyJson(const ApiKey& key) {
  return {{"id", key.id},
          {"name", key.name},
          {"prefix", key.prefix},
          {"role", ToString(key.role)},
          {"created_at", TimeJson(key.created_at)},
          {"last_used_at", TimeJson(key.last_used_at)},
          {"revoked_at", TimeJson(key.revoked_at)}};
}

// What the audit log keeps of a key: who it is and what it may do, never the key.
std::string AuditJson(const ApiKey& key) {
  return Dump({{"id", key.id},
               {"name", key.name},
               {"prefix", key.prefix},
               {"role", ToString(key.role)},
               {"revoked_at", TimeJson(key.revoked_at)}});
}

Result<Response> ListKeys(Services& services, Request& request) {
  auto page = ParsePage(request, {"created_at", "name"}, "-created_at");
  if (!page) return Fail(page.error());
  auto keys = services.store.Read(
      [&](store::Tx& tx) { return tx.tenant(*request.tenant).api_keys().List(); });
  if (!keys) return Fail(keys.error());
  std::vector<nlohmann::json> items;
  items.reserve(keys->size());
  for (const auto& key : *keys) items.push_back(KeyJson(key));
  return JsonResponse(200, PageOf(std::move(items), *page));
}

Result<Response> CreateKey(Services& services, Request& request) {
  auto body = JsonBody::Parse(request.body);
  if (!body) return Fail(body.error());
  auto name = body->String("name", kMaxName);
  if (!name) return Fail(name.error());
  auto role_text = body->String("role", 50);
  if (!role_text) return Fail(role_text.error());
  if (auto done = body->Finish(); !done) return Fail(done.error());
  auto role = ParseRole(*role_text);
  if (!role) {
    return Fail(Error::InvalidArgument(
        "role", fmt::format("role must be one of admin, editor, viewer, not '{}'", *role_text)));
  }
  // Nobody hands out more than they hold: a key made by a key (or a member) is capped at the
  // caller's own role in the tenant.
  if (!request.tenant_role || !RoleAtLeast(*request.tenant_role, *role)) {
    return Fail(Error{
        ErrorCode::kForbidden,
        fmt::format("you may not make a key with role {} above your own ({})", ToString(*role),
                    request.tenant_role ? ToString(*request.tenant_role) : "none"),
        "role"});
  }
  const auto [key, prefix] = auth::Authenticator::NewApiKey();
  const auto& who = request.principal;
  const std::optional<RowId> creator = who.user ? std::optional<RowId>(who.user->id) : std::nullopt;
  auto made = services.store.Transact([&](store::Tx& tx) -> Result<ApiKey> {
    auto scope = tx.tenant(*request.tenant);
    auto created =
        scope.api_keys().Create(*name, prefix, auth::Authenticator::HashToken(key), *role, creator);
    if (!created) return created;
    auto audited = scope.audit().Append(Actor(request), "api_key.create", "api_key",
                                        std::to_string(created->id), "", AuditJson(*created));
    if (!audited) return Fail(audited.error());
    return created;
  });
  if (!made) return Fail(made.error());
  nlohmann::json out = KeyJson(*made);
  out["key"] = key;
  return JsonResponse(201, out);
}

// Revoking is final; revoking a revoked key answers it unchanged.
Result<Response> RevokeKey(Services& services, Request& request) {
  auto id = IdParam(request, "key");
  if (!id) return Fail(id.error());
  auto revoked = services.store.Transact([&](store::Tx& tx) -> Result<ApiKey> {
    auto scope = tx.tenant(*request.tenant);
    auto before = scope.api_keys().Get(*id);
    if (!before) return before;
    if (before->revoked_at) return before;
    auto after = scope.api_keys().Revoke(*id);
    if (!after) return after;
    auto audited = scope.audit().Append(Actor(request), "api_key.revoke", "api_key",
                                        std::to_string(*id), AuditJson(*before), AuditJson(*after));
    if (!audited) return Fail(audited.error());
    return after;
  });
  if (!revoked) return Fail(revoked.error());
  return JsonResponse(200, KeyJson(*revoked));
}

}  // namespace

void AddApiKeyRoutes(std::vector<Route>& routes, Services& services) {
  auto bind = [&services](Result<Response> (*fn)(Services&, Request&)) {
    return [&services, fn](Request& r) { return fn(services, r); };
  };
  routes.push_back({"GET", "/api/v1/tenants/{tenant}/api-keys", Access::kTenantAdmin,
                    bind(ListKeys), "The tenant's API keys, revoked ones included (paged)"});
  routes.push_back({"POST", "/api/v1/tenants/{tenant}/api-keys", Access::kTenantAdmin,
                    bind(CreateKey),
                    "Make an API key with a role; the key is in this answer and nowhere else"});
  routes.push_back({"DELETE", "/api/v1/tenants/{tenant}/api-keys/{key}", Access::kTenantAdmin,
                    bind(RevokeKey), "Revoke an API key; it stops working at once"});
}

}  // namespace avni::api
