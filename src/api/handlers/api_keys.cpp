#include "api/routes.hpp"

namespace avni::api {

void AddApiKeyRoutes(std::vector<Route>&, Services&) {}

}  // namespace avni::api
