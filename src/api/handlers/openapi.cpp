#include "api/routes.hpp"

namespace avni::api {

void AddOpenApiRoutes(std::vector<Route>&, Services&) {}

}  // namespace avni::api
