// JSON request bodies and responses for handlers: parse errors carry the byte position, type
// errors name the member. Internal to the api module.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/message.h"
#include "core/core.h"

namespace custos::api {

// The body as a JSON object. An empty body is `{}` when `allow_empty` (e.g. an optional
// {"reason"}), otherwise kInvalidArgument.
core::Result<boost::json::object> ParseObjectBody(const Request& req, bool allow_empty = false);

// Rejects members other than `allowed` (kInvalidArgument naming the first unknown one).
core::Result<void> CheckMembers(const boost::json::object& obj,
                                std::initializer_list<std::string_view> allowed);

// Typed members: absent (or null where noted) is nullopt; a wrong type is kInvalidArgument.
core::Result<std::optional<std::string>> OptionalString(const boost::json::object& obj,
                                                        std::string_view key);
core::Result<std::string> RequiredString(const boost::json::object& obj, std::string_view key);
core::Result<std::optional<std::int64_t>> OptionalInt(const boost::json::object& obj,
                                                      std::string_view key);
// An object of string values.
core::Result<std::optional<core::Labels>> OptionalLabels(const boost::json::object& obj,
                                                         std::string_view key);
// An array of positive integers.
core::Result<std::vector<std::int64_t>> RequiredIdList(const boost::json::object& obj,
                                                       std::string_view key);

// The expected version of an update: the body's "version" or an `If-Match: "<n>"` header;
// kInvalidArgument if the header is malformed or the two disagree.
core::Result<std::optional<std::int64_t>> ExpectedVersion(const Request& req,
                                                          std::optional<std::int64_t> in_body);

// A JSON response.
Response JsonResponse(int status, const boost::json::value& body);
// 204 No Content.
Response NoContent();
// `"<version>"`, for ETag.
std::string VersionTag(std::int64_t version);

}  // namespace custos::api
