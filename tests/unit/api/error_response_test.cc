#include "api/error_response.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace custos::api {
namespace {

using core::ErrorCode;

TEST(ErrorResponseTest, MapsEveryCodeToItsStatus) {
  struct Case {
    ErrorCode code;
    int status;
  };
  const Case cases[] = {
      {ErrorCode::kInvalidArgument, 400},  {ErrorCode::kUnauthenticated, 401},
      {ErrorCode::kPermissionDenied, 403}, {ErrorCode::kNotFound, 404},
      {ErrorCode::kAlreadyExists, 409},    {ErrorCode::kConflict, 409},
      {ErrorCode::kPayloadTooLarge, 413},  {ErrorCode::kFailedPrecondition, 422},
      {ErrorCode::kUnavailable, 503},      {ErrorCode::kTimeout, 504},
      {ErrorCode::kInternal, 500},
  };
  for (const Case& c : cases) EXPECT_EQ(HttpStatus(c.code), c.status) << core::ToString(c.code);
}

TEST(ErrorResponseTest, WritesTheErrorBodyWithPosition) {
  Response res = ErrorResponse(core::Error{ErrorCode::kInvalidArgument, "bad filter", 7});
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.content_type, "application/json");
  auto v = boost::json::parse(res.body);
  EXPECT_EQ(v.at("error").at("code").as_string(), "invalid_argument");
  EXPECT_EQ(v.at("error").at("message").as_string(), "bad filter");
  EXPECT_EQ(v.at("error").at("position").as_int64(), 7);
}

TEST(ErrorResponseTest, UnauthenticatedAsksForABearerToken) {
  Response res = ErrorResponse(core::Error{ErrorCode::kUnauthenticated, "no token", {}});
  EXPECT_EQ(res.status, 401);
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.headers[0].first, "WWW-Authenticate");
}

TEST(ErrorResponseTest, WritesHttpOnlyCodes) {
  Response res = ErrorResponse(415, "unsupported_media_type", "use text/csv");
  EXPECT_EQ(res.status, 415);
  auto v = boost::json::parse(res.body);
  EXPECT_EQ(v.at("error").at("code").as_string(), "unsupported_media_type");
  EXPECT_EQ(v.at("error").at("message").as_string(), "use text/csv");
}

}  // namespace
}  // namespace custos::api
