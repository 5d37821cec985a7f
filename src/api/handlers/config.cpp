#include "api/routes.hpp"

namespace avni::api {

void AddConfigRoutes(std::vector<Route>&, Services&) {}

}  // namespace avni::api
