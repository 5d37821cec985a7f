#pragma once

#include <string_view>

namespace avni::api {

// The OpenAPI 3 document of the HTTP API: src/api/openapi.json as it was at build time
// (embed_openapi.cmake writes the definition). Valid JSON, checked by the build.
std::string_view OpenApiDocument();

}  // namespace avni::api
