#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace avni::api {

// The parts of the OpenAPI 3 document as they were at build time: first src/api/openapi.json
// (the base), then each src/api/openapi/*.json fragment. Valid JSON, checked by the build.
// embed_openapi.cmake writes the definition.
const std::vector<std::string>& OpenApiParts();

// The whole document: the base with every fragment's tags, paths and component schemas merged
// in. Built once. A path or schema defined twice is a mistake the build's own test reports.
std::string_view OpenApiDocument();

}  // namespace avni::api
