// The HTTP/1.1 client over plain TCP (Boost.Beast). This pair of files is the only place in
// the CLI that sees Beast or Asio; everyone else uses the HttpTransport interface.
#pragma once

#include <chrono>
#include <memory>

#include "cli/endpoint.h"
#include "cli/http.h"

namespace custos::cli {

struct HttpTimeouts {
  // Send: the whole exchange, from connecting to the last byte of the answer.
  // Upload: each write of a piece of the body, and then reading the answer.
  std::chrono::milliseconds request{30000};
  // Stream: the longest silence between two pieces of a streamed body. The event stream
  // sends a keep-alive every 15 s, so anything well above that detects a dead server.
  std::chrono::milliseconds stream_idle{45000};
};

// A transport that opens one connection per request to `endpoint`. Targets given to it are
// used as they are: the endpoint's path prefix is the caller's business.
std::unique_ptr<HttpTransport> MakeHttpClient(const Endpoint& endpoint, HttpTimeouts timeouts);

}  // namespace custos::cli
