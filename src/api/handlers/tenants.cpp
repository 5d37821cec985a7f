#include "api/routes.hpp"

namespace avni::api {

void AddTenantRoutes(std::vector<Route>&, Services&) {}

}  // namespace avni::api
