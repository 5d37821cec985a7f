#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/principal.hpp"
#include "common/error.hpp"
#include "domain/ids.hpp"
#include "domain/user.hpp"

namespace avni::api {

// Who may call a route. Tenant levels apply to the tenant named by the route's {tenant}
// parameter: a super-admin counts as admin of every tenant, a user by their membership, an API
// key by its own tenant and role.
enum class Access {
  kPublic,
  kSignedIn,
  kSuperAdmin,
  kTenantViewer,
  kTenantEditor,
  kTenantAdmin,
};

bool IsTenantAccess(Access access);

// A request as handlers see it: parsed, authenticated and, for tenant routes, already checked
// against the caller's role in that tenant.
struct Request {
  std::string method;
  std::string path;
  std::map<std::string, std::string> path_params;  // "{tenant}" -> "7" is stored as "tenant"
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string address;
  auth::Principal principal;
  std::optional<TenantId> tenant;   // set for tenant routes
  std::optional<Role> tenant_role;  // the caller's role there

  // The value of a path parameter (the route guarantees it is there).
  const std::string& Param(const std::string& name) const;
  std::optional<std::string> QueryValue(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

// Handlers return a response or an Error; the router turns errors into the one error shape.
using Handler = std::function<Result<Response>(Request&)>;

struct Route {
  std::string method;  // GET, POST, PUT, PATCH, DELETE
  std::string path;    // "/api/v1/tenants/{tenant}/config"; parameters in braces
  Access access = Access::kSignedIn;
  Handler handler;
  std::string summary;  // one line, for logs and the route listing
  // The largest request body this route takes; a larger one is refused with 413 before it is
  // read. 0 (the default) stands for ApiOptions::max_json_body_bytes; AllRoutes fills it in.
  std::size_t max_body = 0;
  // The handler checks the caller's credentials itself (GET /metrics and its own bearer token):
  // Admit then takes the Authorization header for no session or API key. Public routes only.
  bool own_credentials = false;
};

}  // namespace avni::api
