// The Beast-free request and response that handlers work on, so that handler files compile
// fast and are tested without sockets. Internal to the api module.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/core.h"

namespace custos::api {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // percent-decoded path without the query, e.g. "/api/v1/devices/42"
  std::map<std::string, std::string, std::less<>> query;    // decoded; first of repeated keys
  std::map<std::string, std::string, std::less<>> headers;  // names in lower case
  std::string body;

  // Filled by the dispatcher before a handler runs.
  std::map<std::string, std::string, std::less<>> path_params;
  core::Actor actor;

  // The header's value, "" when absent. `name` in lower case.
  std::string_view Header(std::string_view name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string_view() : std::string_view(it->second);
  }
  // The query parameter's value, or nullptr when absent.
  const std::string* Query(std::string_view name) const {
    auto it = query.find(name);
    return it == query.end() ? nullptr : &it->second;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // besides type and length
  std::string body;
  // A body streamed from a file instead of `body` (firmware content): `length` bytes from
  // `offset`. The connection opens it; a file it cannot read becomes a 500.
  struct FileBody {
    std::filesystem::path path;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
  };
  std::optional<FileBody> file;
};

}  // namespace custos::api
