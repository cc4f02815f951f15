// The OpenAPI 3.0.3 document of the REST API (docs/openapi.json), embedded at build time.
// Internal to the api module.
#pragma once

#include <string_view>

namespace custos::api {

std::string_view OpenApiDocument();

}  // namespace custos::api
