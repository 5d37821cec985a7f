#include "api/routes.hpp"

namespace avni::api {

void AddAuthRoutes(std::vector<Route>&, Services&) {}

}  // namespace avni::api
