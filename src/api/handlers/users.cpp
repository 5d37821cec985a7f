#include "api/routes.hpp"

namespace avni::api {

void AddUserRoutes(std::vector<Route>&, Services&) {}

}  // namespace avni::api
