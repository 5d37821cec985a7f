#include "api/routes.hpp"

namespace avni::api {

void AddErrorTypeRoutes(std::vector<Route>& /*routes*/, Services& /*services*/) {}

}  // namespace avni::api
