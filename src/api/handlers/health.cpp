// GET /health and GET /ready: for load balancers and orchestrators; no sign-in.
#include <nlohmann/json.hpp>

#include "api/json_body.hpp"
#include "api/routes.hpp"
#include "store/store.hpp"

namespace avni::api {

void AddHealthRoutes(std::vector<Route>& routes, Services& services) {
  routes.push_back({"GET", "/health", Access::kPublic,
                    [](Request&) -> Result<Response> {
                      return Response{200, Dump({{"status", "up"}})};
                    },
                    "The process is up"});
  routes.push_back(
      {"GET", "/ready", Access::kPublic,
       [&services](Request&) -> Result<Response> {
         if (auto ready = services.store.Ready(); !ready) {
           return Response{503, Dump({{"status", "not_ready"}, {"reason", ready.error().message}})};
         }
         return Response{200, Dump({{"status", "ready"}})};
       },
       "The database answers and its schema is current"});
}

}  // namespace avni::api
