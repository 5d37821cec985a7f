#pragma once

#include <vector>

#include "api/route.hpp"
#include "api/services.hpp"

namespace avni::api {

// The route table: every endpoint the service serves, in one list. Tests walk it (to prove
// tenant isolation of every tenant route) and compare it with the OpenAPI document. A route
// that leaves max_body at 0 gets services.options.max_json_body_bytes.
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
// CSV export and import of a tenant's mappings (mapping_transfer.cpp): /mappings/export and
// /mappings/import, so registered before AddMappingRoutes.
void AddMappingTransferRoutes(std::vector<Route>& routes, Services& services);
// Mapping groups, mapping types and mappings (mappings.cpp). Registered after any route of
// a fixed word under /mappings/ (e.g. /mappings/export), which "/mappings/{mapping}" would
// otherwise take.
void AddMappingRoutes(std::vector<Route>& routes, Services& services);
// A tenant's bundle: export and import (bundle.cpp).
void AddBundleRoutes(std::vector<Route>& routes, Services& services);
// Error records and their actions (error_records.cpp), error types (error_types.cpp), and the
// cursors of the tenant's flows (sync_status.cpp).
void AddErrorRecordRoutes(std::vector<Route>& routes, Services& services);
void AddErrorTypeRoutes(std::vector<Route>& routes, Services& services);
void AddSyncStatusRoutes(std::vector<Route>& routes, Services& services);
// A tenant's jobs (jobs.cpp: schedules, run now, pause, resume) and their runs (runs.cpp).
void AddJobRoutes(std::vector<Route>& routes, Services& services);
void AddRunRoutes(std::vector<Route>& routes, Services& services);
void AddOpenApiRoutes(std::vector<Route>& routes, Services& services);
// GET /metrics (metrics.cpp): the Prometheus text format, open or behind --metrics-token.
void AddMetricsRoutes(std::vector<Route>& routes, Services& services);

}  // namespace avni::api
