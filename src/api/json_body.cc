#include "api/json_body.h"

#include <boost/json/serialize.hpp>

#include "api/query.h"
#include "json/json.h"

namespace custos::api {

namespace {

tl::unexpected<core::Error> WrongType(std::string_view key, std::string_view expected) {
  return core::MakeError(core::ErrorCode::kInvalidArgument,
                         std::string(key) + ": expected " + std::string(expected));
}

}  // namespace

core::Result<boost::json::object> ParseObjectBody(const Request& req, bool allow_empty) {
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    if (allow_empty) return boost::json::object();
    return core::MakeError(core::ErrorCode::kInvalidArgument, "a JSON object body is required");
  }
  auto parsed = json::Parse(req.body);
  if (!parsed) return tl::unexpected(parsed.error());
  if (!parsed->is_object()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, "the body must be a JSON object");
  }
  return std::move(parsed->as_object());
}

core::Result<void> CheckMembers(const boost::json::object& obj,
                                std::initializer_list<std::string_view> allowed) {
  for (const auto& member : obj) {
    bool known = false;
    for (std::string_view a : allowed) known = known || member.key() == a;
    if (!known) {
      return core::MakeError(core::ErrorCode::kInvalidArgument,
                             "unknown member '" + std::string(member.key()) + "'");
    }
  }
  return {};
}

core::Result<std::optional<std::string>> OptionalString(const boost::json::object& obj,
                                                        std::string_view key) {
  const boost::json::value* v = obj.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return WrongType(key, "a string");
  return std::optional<std::string>(std::string(v->get_string()));
}

core::Result<std::string> RequiredString(const boost::json::object& obj, std::string_view key) {
  auto v = OptionalString(obj, key);
  if (!v) return tl::unexpected(v.error());
  if (!*v) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, std::string(key) + ": required");
  }
  return std::move(**v);
}

core::Result<std::optional<std::int64_t>> OptionalInt(const boost::json::object& obj,
                                                      std::string_view key) {
  const boost::json::value* v = obj.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::int64_t>();
  if (v->is_int64()) return std::optional<std::int64_t>(v->get_int64());
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(v->get_uint64()));
  }
  return WrongType(key, "an integer");
}

core::Result<std::optional<core::Labels>> OptionalLabels(const boost::json::object& obj,
                                                         std::string_view key) {
  const boost::json::value* v = obj.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<core::Labels>();
  if (!v->is_object()) return WrongType(key, "an object of strings");
  core::Labels labels;
  for (const auto& member : v->get_object()) {
    if (!member.value().is_string()) {
      return WrongType(std::string(key) + "." + std::string(member.key()), "a string");
    }
    labels.emplace(std::string(member.key()), std::string(member.value().get_string()));
  }
  return std::optional<core::Labels>(std::move(labels));
}

core::Result<std::vector<std::int64_t>> RequiredIdList(const boost::json::object& obj,
                                                       std::string_view key) {
  const boost::json::value* v = obj.if_contains(key);
  if (v == nullptr || !v->is_array()) return WrongType(key, "an array of ids");
  std::vector<std::int64_t> ids;
  ids.reserve(v->get_array().size());
  for (const auto& item : v->get_array()) {
    std::int64_t id = 0;
    if (item.is_int64()) {
      id = item.get_int64();
    } else if (item.is_uint64() && item.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
      id = static_cast<std::int64_t>(item.get_uint64());
    } else {
      return WrongType(key, "an array of ids");
    }
    if (id <= 0) return WrongType(key, "an array of positive ids");
    ids.push_back(id);
  }
  return ids;
}

core::Result<std::optional<std::int64_t>> ExpectedVersion(const Request& req,
                                                          std::optional<std::int64_t> in_body) {
  std::string_view tag = req.Header("if-match");
  if (tag.empty()) return in_body;
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') {
    tag = tag.substr(1, tag.size() - 2);
  }
  auto version = ParseInt64(tag);
  if (!version) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "If-Match: expected a version such as \"3\"");
  }
  if (in_body && *in_body != *version) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, "If-Match and \"version\" disagree");
  }
  return std::optional<std::int64_t>(*version);
}

Response JsonResponse(int status, const boost::json::value& body) {
  Response res;
  res.status = status;
  res.body = boost::json::serialize(body);
  return res;
}

Response NoContent() {
  Response res;
  res.status = 204;
  res.content_type.clear();
  return res;
}

std::string VersionTag(std::int64_t version) { return "\"" + std::to_string(version) + "\""; }

}  // namespace custos::api
