#include "api/error_response.h"

#include <boost/json.hpp>

#include "json/json.h"

namespace custos::api {

int HttpStatus(core::ErrorCode code) {
  using core::ErrorCode;
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
      return 409;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kFailedPrecondition:
      return 422;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kTimeout:
      return 504;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

Response ErrorResponse(const core::Error& error) {
  Response res;
  res.status = HttpStatus(error.code);
  res.body = boost::json::serialize(json::ToJson(error));
  if (res.status == 401) res.headers.emplace_back("WWW-Authenticate", "Bearer");
  return res;
}

Response ErrorResponse(int status, std::string_view code, std::string_view message) {
  Response res;
  res.status = status;
  boost::json::object inner;
  inner["code"] = code;
  inner["message"] = message;
  boost::json::object outer;
  outer["error"] = std::move(inner);
  res.body = boost::json::serialize(outer);
  return res;
}

}  // namespace custos::api
