// GET /api/v1/openapi.json: the OpenAPI 3 document of every endpoint, written by hand in
// src/api/openapi.json (shared parts) and src/api/openapi/<resource>.json (one fragment per
// resource, so that resources are documented beside each other without touching one file),
// carried inside the binary. tests/api/openapi_test.cpp checks it against this route table, so
// a route added without documenting it fails the tests.
#include <string>

#include <nlohmann/json.hpp>

#include "api/json_body.hpp"
#include "api/openapi_document.hpp"
#include "api/routes.hpp"

namespace avni::api {

std::string_view OpenApiDocument() {
  static const std::string kDocument = [] {
    const auto& parts = OpenApiParts();
    nlohmann::json doc = nlohmann::json::parse(parts.front());
    for (std::size_t i = 1; i < parts.size(); ++i) {
      const nlohmann::json part = nlohmann::json::parse(parts[i]);
      // Named copies: iterating items() of a temporary would outlive it.
      const auto tags = part.value("tags", nlohmann::json::array());
      const auto paths = part.value("paths", nlohmann::json::object());
      const auto components = part.value("components", nlohmann::json::object());
      for (const auto& tag : tags) doc["tags"].push_back(tag);
      for (const auto& [path, item] : paths.items()) doc["paths"][path] = item;
      for (const auto& [section, entries] : components.items()) {
        for (const auto& [name, value] : entries.items()) doc["components"][section][name] = value;
      }
    }
    return doc.dump(2);
  }();
  return kDocument;
}

void AddOpenApiRoutes(std::vector<Route>& routes, Services&) {
  routes.push_back({"GET", "/api/v1/openapi.json", Access::kPublic,
                    [](Request&) -> Result<Response> {
                      return Response{200, std::string(OpenApiDocument())};
                    },
                    "The OpenAPI 3 document of this API"});
}

}  // namespace avni::api
