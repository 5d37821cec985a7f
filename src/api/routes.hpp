#pragma once

#include <vector>

#include "api/route.hpp"
#include "api/services.hpp"

namespace avni::api {

// The route table: every endpoint the service serves, in one list. Tests walk it (to prove
// tenant isolation of every tenant route) and compare it with the OpenAPI document.
std::vector<Route> AllRoutes(Services& services);

// The groups it is made of, one per resource (handlers/*.cpp).
void AddHealthRoutes(std::vector<Route>& routes, Services& services);
void AddAuthRoutes(std::vector<Route>& routes, Services& services);
void AddTenantRoutes(std::vector<Route>& routes, Services& services);
void AddConfigRoutes(std::vector<Route>& routes, Services& services);
void AddMemberRoutes(std::vector<Route>& routes, Services& services);
void AddApiKeyRoutes(std::vector<Route>& routes, Services& services);
void AddUserRoutes(std::vector<Route>& routes, Services& services);
void AddAuditRoutes(std::vector<Route>& routes, Services& services);
void AddOpenApiRoutes(std::vector<Route>& routes, Services& services);

}  // namespace avni::api
