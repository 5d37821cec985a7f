#pragma once

#include "api/route.hpp"
#include "api/services.hpp"
#include "common/error.hpp"

namespace avni::api {

inline constexpr const char* kSessionCookie = "avni_session";
inline constexpr const char* kCsrfHeader = "x-csrf-token";

// Lets a request in, or says why not. Fills request.principal (from "Authorization: Bearer"
// or the session cookie) and, for tenant routes, request.tenant and request.tenant_role.
//   - a route that needs a caller and has none: unauthenticated (401);
//   - a tenant the caller has no part in, or that does not exist: not_found (404), the same
//     answer for both so that tenants cannot be discovered;
//   - a role below the route's: forbidden (403), naming the role needed;
//   - a cookie-authenticated write without the session's X-CSRF-Token: forbidden.
Status Admit(Services& services, const Route& route, Request& request);

// The value of a cookie of the request; "" when absent.
std::string CookieValue(const Request& request, std::string_view name);
// The token the caller authenticated with: the bearer token, else the session cookie.
std::string PresentedToken(const Request& request);

// Whether `role` is at least `needed` (admin > editor > viewer).
bool RoleAtLeast(Role role, Role needed);

}  // namespace avni::api
