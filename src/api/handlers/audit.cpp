#include "api/routes.hpp"

namespace avni::api {

void AddAuditRoutes(std::vector<Route>&, Services&) {}

}  // namespace avni::api
