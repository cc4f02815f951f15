// How failures look on the wire: core::ErrorCode to HTTP status, and the JSON error body
// {"error": {"code", "message", "position"?}} of docs/api.md. Internal to the api module.
#pragma once

#include <string_view>

#include "api/message.h"
#include "core/core.h"

namespace custos::api {

// 400, 401, 403, 404, 409, 409, 413, 422, 503, 504, 500 (docs/api.md).
int HttpStatus(core::ErrorCode code);

// The response for a core error, with WWW-Authenticate on 401.
Response ErrorResponse(const core::Error& error);

// For failures that exist only in HTTP and have no core::ErrorCode ("method_not_allowed",
// "unsupported_media_type").
Response ErrorResponse(int status, std::string_view code, std::string_view message);

}  // namespace custos::api
