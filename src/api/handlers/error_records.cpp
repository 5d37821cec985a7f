#include "api/routes.hpp"

namespace avni::api {

void AddErrorRecordRoutes(std::vector<Route>& /*routes*/, Services& /*services*/) {}

}  // namespace avni::api
