// Feeds any bytes to the server's request handling short of the store: Beast's header parser
// with the server's limits, the request target (Boost.URL), the router, and the parameter
// parsers. None may crash, hang or throw, whatever a client sends.
#include <boost/beast/core/buffers_prefix.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/connection.h"
#include "api/device_import.h"
#include "api/event_stream_format.h"
#include "api/handlers.h"
#include "api/query.h"
#include "api/time_text.h"

namespace {

namespace api = custos::api;

const api::Router& TheRouter() {
  static const api::Router router = [] {
    api::Router r;
    for (const api::Route& route : api::RouteTable()) r.Add(route);
    return r;
  }();
  return router;
}

void ExerciseRequest(api::Request& req) {
  auto resolution = TheRouter().Resolve(req.method, req.path);
  (void)resolution;
  (void)api::ParseEventStreamParams(req);
  (void)api::ParseConflictPolicy(req);
  (void)api::QueryInt(req, "limit", 1, 1000);
  (void)api::QueryBool(req, "count", false);
  if (const std::string* since = req.Query("since")) (void)api::ParseTimeParam(*since);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // As the connection reads a header: bounded size, no body limit yet.
  api::net::HeaderParser parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(boost::none);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(text.data(), text.size()), ec);
  if (!ec && parser.is_header_done()) {
    auto req = api::net::RequestFromHeader(parser);
    if (req) ExerciseRequest(*req);
  }

  // The same bytes as a bare target and as a time.
  if (auto target = api::ParseTarget(text)) {
    api::Request req;
    req.method = "GET";
    req.path = target->path;
    req.query = target->query;
    ExerciseRequest(req);
  }
  (void)custos::core::ParseTime(text);
  return 0;
}
