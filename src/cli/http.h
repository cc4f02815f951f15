// The HTTP seam of the CLI: plain request and response values and the transport interface
// the REST client talks through. The Beast implementation lives in http_client.{h,cc}; tests
// put a fake behind the same interface.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/failure.h"

namespace custos::cli {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // origin-form: path and query, already percent-encoded
  Headers headers;     // besides Host, User-Agent and Content-Length, which the transport sets
  std::string body;
};

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;

  // The first header named `name` (case-insensitive), or "" when there is none.
  std::string Header(std::string_view name) const;
};

// Called with each piece of an upload once it has been written to the socket.
using SentFn = std::function<void(std::string_view piece)>;
// Called with each piece of a streamed response body as it arrives; false stops reading.
using ReceivedFn = std::function<bool(std::string_view piece)>;

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // Sends one request and reads the whole answer. Any answer, whatever its status, is a
  // value; only a failure to get one (refused, reset, timed out) is a kExitUnreachable error.
  virtual Outcome<HttpResponse> Send(const HttpRequest& request) = 0;

  // Sends `request`'s head, then `body` read piece by piece as a chunked body (never whole in
  // memory), then reads the answer. If the server answers and closes before the body is all
  // sent (a 4xx on a bad header row), that answer is returned.
  virtual Outcome<HttpResponse> Upload(const HttpRequest& request, std::istream& body,
                                       const SentFn& on_sent) = 0;

  // Sends `request` and, on a 2xx answer, calls `on_received` with an empty piece once the
  // head has arrived, then with the body as it arrives until the server ends it or
  // `on_received` returns false; the returned response then has an empty body. Any other
  // status is read whole and returned like Send does.
  virtual Outcome<HttpResponse> Stream(const HttpRequest& request,
                                       const ReceivedFn& on_received) = 0;
};

}  // namespace custos::cli
