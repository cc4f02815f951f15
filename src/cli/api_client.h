// The REST API as the commands see it (docs/api.md): paths under /api/v1, the bearer token,
// JSON in and out, and the server's errors turned into Failures.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/failure.h"
#include "cli/http.h"

namespace custos::cli {

// Query parameters in order; a parameter with an empty value is left out of the target.
using Query = std::vector<std::pair<std::string, std::string>>;

// Percent-encodes everything but RFC 3986 unreserved characters, so that no server-side
// decoder can read a '+' as a space.
std::string PercentEncode(std::string_view text);

// A successful answer's JSON (null for an empty body, as with 204), or the failure it
// carries: the server's {"error": {...}} as kExitServerError with its code, message and
// position; a non-JSON error body as code "http_<status>".
Outcome<boost::json::value> Interpret(const HttpResponse& response);

class ApiClient {
 public:
  // `base_path` is the --server URL's path prefix ("" or "/custos"); `token` may be empty.
  ApiClient(HttpTransport& transport, std::string base_path, std::string token);

  // base_path + "/api/v1" + path + "?" + the encoded query.
  std::string Target(std::string_view path, const Query& query = {}) const;

  Outcome<boost::json::value> Get(std::string_view path, const Query& query = {});
  Outcome<boost::json::value> Post(std::string_view path, const boost::json::value& body);
  Outcome<boost::json::value> Patch(std::string_view path, const boost::json::value& body);
  Outcome<boost::json::value> Put(std::string_view path, const boost::json::value& body);
  Outcome<boost::json::value> Delete(std::string_view path);

  // Streams `body` as the request body (chunked), with `content_type`.
  Outcome<boost::json::value> Upload(std::string_view path, const Query& query,
                                     std::string_view content_type, std::istream& body,
                                     const SentFn& on_sent);

  // Opens a streamed GET and hands the body to `on_received` until the server ends it or the
  // callback returns false. An error status is returned as its Failure.
  Outcome<void> Stream(std::string_view path, const Query& query, const Headers& extra_headers,
                       const ReceivedFn& on_received);

  // Calls `on_page` with the first page of a cursor-paginated list (docs/api.md), and with
  // every following page when `all` is set, until next_cursor is null. Stops at the first
  // failure, from the server or from `on_page`.
  Outcome<void> ForEachPage(
      std::string_view path, Query query, bool all,
      const std::function<Outcome<void>(const boost::json::object&)>& on_page);

 private:
  HttpRequest Request(std::string method, std::string target,
                      std::string_view accept = "application/json") const;
  Outcome<boost::json::value> SendJson(std::string method, std::string_view path,
                                       const boost::json::value* body);

  HttpTransport& transport_;
  std::string base_path_;
  std::string token_;
};

}  // namespace custos::cli
