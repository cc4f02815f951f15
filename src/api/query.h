// The request target (path and query string) and typed access to query parameters and path
// parameters. Bad values are kInvalidArgument naming the parameter. Internal to the api module.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "api/message.h"
#include "core/core.h"

namespace custos::api {

struct Target {
  std::string path;                                       // percent-decoded
  std::map<std::string, std::string, std::less<>> query;  // decoded; the first of repeated keys
};

// Parses an origin-form request target ("/api/v1/devices?filter=a%20b&limit=5") with
// Boost.URL; '+' in the query means a space, as browsers send it.
core::Result<Target> ParseTarget(std::string_view target);

// An integer query parameter in [min, max]; nullopt when absent.
core::Result<std::optional<std::int64_t>> QueryInt(const Request& req, std::string_view name,
                                                   std::int64_t min, std::int64_t max);
// "true"/"false" (also "1"/"0"); `fallback` when absent.
core::Result<bool> QueryBool(const Request& req, std::string_view name, bool fallback);

// A positive integer path parameter such as {id}; a non-numeric value names no resource, so it
// is kNotFound ("no <what> 'abc'").
core::Result<std::int64_t> PathId(const Request& req, std::string_view name, std::string_view what);

// A whole decimal int64, nothing else.
std::optional<std::int64_t> ParseInt64(std::string_view text);

}  // namespace custos::api
