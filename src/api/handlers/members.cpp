#include "api/routes.hpp"

namespace avni::api {

void AddMemberRoutes(std::vector<Route>&, Services&) {}

}  // namespace avni::api
