#include "api/routes.hpp"

namespace avni::api {

std::vector<Route> AllRoutes(Services& services) {
  std::vector<Route> routes;
  AddHealthRoutes(routes, services);
  AddMetricsRoutes(routes, services);
  AddAuthRoutes(routes, services);
  AddTenantRoutes(routes, services);
  AddConfigRoutes(routes, services);
  AddMemberRoutes(routes, services);
  AddApiKeyRoutes(routes, services);
  AddUserRoutes(routes, services);
  AddAuditRoutes(routes, services);
  AddMappingTransferRoutes(routes, services);
  AddMappingRoutes(routes, services);
  AddBundleRoutes(routes, services);
  AddErrorRecordRoutes(routes, services);
  AddErrorTypeRoutes(routes, services);
  AddSyncStatusRoutes(routes, services);
  AddJobRoutes(routes, services);
  AddRunRoutes(routes, services);
  AddOpenApiRoutes(routes, services);
  for (Route& route : routes) {
    if (route.max_body == 0) route.max_body = services.options.max_json_body_bytes;
  }
  return routes;
}

}  // namespace avni::api
