#include "api/query.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <charconv>

namespace custos::api {

core::Result<Target> ParseTarget(std::string_view target) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "bad request target: " + parsed.error().message());
  }
  const boost::urls::url_view& url = *parsed;
  Target out;
  out.path = url.encoded_path().decode();
  if (out.path.empty()) out.path = "/";
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  for (const auto& param : url.encoded_params()) {
    std::string key = param.key.decode(opts);
    std::string value = param.has_value ? param.value.decode(opts) : std::string();
    out.query.emplace(std::move(key), std::move(value));  // keeps the first
  }
  return out;
}

std::optional<std::int64_t> ParseInt64(std::string_view text) {
  std::int64_t v = 0;
  if (text.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

core::Result<std::optional<std::int64_t>> QueryInt(const Request& req, std::string_view name,
                                                   std::int64_t min, std::int64_t max) {
  const std::string* text = req.Query(name);
  if (text == nullptr) return std::optional<std::int64_t>();
  auto v = ParseInt64(*text);
  if (!v || *v < min || *v > max) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           std::string(name) + ": expected an integer from " + std::to_string(min) +
                               " to " + std::to_string(max));
  }
  return std::optional<std::int64_t>(*v);
}

core::Result<bool> QueryBool(const Request& req, std::string_view name, bool fallback) {
  const std::string* text = req.Query(name);
  if (text == nullptr) return fallback;
  if (*text == "true" || *text == "1") return true;
  if (*text == "false" || *text == "0") return false;
  return core::MakeError(core::ErrorCode::kInvalidArgument,
                         std::string(name) + ": expected true or false");
}

core::Result<std::int64_t> PathId(const Request& req, std::string_view name,
                                  std::string_view what) {
  auto it = req.path_params.find(name);
  std::string_view text = it == req.path_params.end() ? std::string_view() : it->second;
  auto v = ParseInt64(text);
  if (!v || *v <= 0) {
    return core::MakeError(core::ErrorCode::kNotFound,
                           "no " + std::string(what) + " '" + std::string(text) + "'");
  }
  return *v;
}

}  // namespace custos::api
