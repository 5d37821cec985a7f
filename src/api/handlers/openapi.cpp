// GET /api/v1/openapi.json: the OpenAPI 3 document of every endpoint, written by hand in
// src/api/openapi.json and carried inside the binary. tests/api/openapi_test.cpp checks it
// against this route table, so a route added without documenting it fails the tests.
#include <string>

#include "api/openapi_document.hpp"
#include "api/routes.hpp"

namespace avni::api {

void AddOpenApiRoutes(std::vector<Route>& routes, Services&) {
  routes.push_back({"GET", "/api/v1/openapi.json", Access::kPublic,
                    [](Request&) -> Result<Response> {
                      return Response{200, std::string(OpenApiDocument())};
                    },
                    "The OpenAPI 3 document of this API"});
}

}  // namespace avni::api
