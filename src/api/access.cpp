#include "api/access.hpp"

#include <charconv>

#include <fmt/format.h>

#include "auth/authenticator.hpp"
#include "store/store.hpp"

namespace avni::api {
namespace {

int Rank(Role role) {
  switch (role) {
    case Role::kAdmin:
      return 3;
    case Role::kEditor:
      return 2;
    case Role::kViewer:
      return 1;
  }
  return 0;
}

Role Needed(Access access) {
  switch (access) {
    case Access::kTenantAdmin:
      return Role::kAdmin;
    case Access::kTenantEditor:
      return Role::kEditor;
    default:
      return Role::kViewer;
  }
}

}  // namespace

std::string CookieValue(const Request& request, std::string_view name) {
  auto it = request.headers.find("cookie");
  if (it == request.headers.end()) return {};
  std::string_view rest = it->second;
  while (!rest.empty()) {
    const auto semi = rest.find(';');
    std::string_view part = rest.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.starts_with(name) && part.size() > name.size() && part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    if (semi == std::string_view::npos) break;
    rest.remove_prefix(semi + 1);
  }
  return {};
}

std::string PresentedToken(const Request& request) {
  if (auto it = request.headers.find("authorization");
      it != request.headers.end() && it->second.starts_with("Bearer ")) {
    return it->second.substr(7);
  }
  return CookieValue(request, kSessionCookie);
}

namespace {

Error Unauthenticated(std::string message) {
  return Error{ErrorCode::kUnauthenticated, std::move(message), {}};
}
Error Forbidden(std::string message) {
  return Error{ErrorCode::kForbidden, std::move(message), {}};
}

Status Authenticate(Services& services, const Route& route, Request& request) {
  std::string token;
  bool via_cookie = false;
  if (auto it = request.headers.find("authorization"); it != request.headers.end()) {
    if (!it->second.starts_with("Bearer ")) {
      return Fail(Unauthenticated("the Authorization header must be 'Bearer <token>'"));
    }
    token = it->second.substr(7);
  } else {
    token = CookieValue(request, kSessionCookie);
    via_cookie = !token.empty();
  }
  if (token.empty()) {
    if (route.access == Access::kPublic) return {};
    return Fail(Unauthenticated("sign in first (POST /api/v1/auth/login), or send an API key"));
  }
  auto principal = services.auth.Authenticate(token, via_cookie);
  if (!principal) {
    // A stale cookie must not lock anyone out of signing in again.
    if (route.access == Access::kPublic) return {};
    return Fail(principal.error());
  }
  request.principal = std::move(*principal);
  return {};
}

Status CheckTenant(Services& services, const Route& route, Request& request) {
  const std::string& text = request.Param("tenant");
  RowId id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return Fail(Error::InvalidArgument("tenant", fmt::format("tenant must be a tenant's numeric "
                                                             "id, not '{}'",
                                                             text)));
  }
  const TenantId tenant{id};
  const Error hidden = Error::NotFound(fmt::format("no tenant with id {}", id));
  const auth::Principal& who = request.principal;
  std::optional<Role> role;
  if (who.is_super_admin()) {
    auto exists = services.store.Read([&](store::Tx& tx) { return tx.tenants().Get(tenant); });
    if (!exists) return Fail(exists.error());
    role = Role::kAdmin;
  } else if (who.api_key) {
    if (who.api_key->tenant_id == tenant) role = who.api_key->role;
  } else if (who.user) {
    auto member = services.store.Read(
        [&](store::Tx& tx) { return tx.tenant(tenant).members().Get(who.user->id); });
    if (member) {
      role = member->role;
    } else if (member.error().code != ErrorCode::kNotFound) {
      return Fail(member.error());
    }
  }
  if (!role) return Fail(hidden);
  const Role needed = Needed(route.access);
  if (!RoleAtLeast(*role, needed)) {
    return Fail(Forbidden(fmt::format("this needs the {} role in tenant {}; you have {}",
                                      ToString(needed), id, ToString(*role))));
  }
  request.tenant = tenant;
  request.tenant_role = role;
  return {};
}

}  // namespace

bool RoleAtLeast(Role role, Role needed) { return Rank(role) >= Rank(needed); }

Status Admit(Services& services, const Route& route, Request& request) {
  if (route.own_credentials && route.access == Access::kPublic) return {};
  if (auto ok = Authenticate(services, route, request); !ok) return ok;
  if (route.access == Access::kPublic) return {};
  if (!request.principal.signed_in()) {
    return Fail(Unauthenticated("sign in first (POST /api/v1/auth/login), or send an API key"));
  }
  const bool write = request.method != "GET" && request.method != "HEAD";
  if (write && request.principal.via_cookie) {
    auto it = request.headers.find(kCsrfHeader);
    const std::string cookie = CookieValue(request, kSessionCookie);
    if (it == request.headers.end() || !auth::Authenticator::CsrfMatches(cookie, it->second)) {
      return Fail(Forbidden(
          "a write signed in by cookie needs the X-CSRF-Token header (csrf_token from sign-in "
          "or GET /api/v1/me)"));
    }
  }
  if (route.access == Access::kSuperAdmin && !request.principal.is_super_admin()) {
    return Fail(Forbidden("only a super-admin may do this"));
  }
  if (IsTenantAccess(route.access)) return CheckTenant(services, route, request);
  return {};
}

}  // namespace avni::api
