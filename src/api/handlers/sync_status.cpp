#include "api/routes.hpp"

namespace avni::api {

void AddSyncStatusRoutes(std::vector<Route>& /*routes*/, Services& /*services*/) {}

}  // namespace avni::api
