// Front door of the api module: the HTTP/1.1 server of the REST API (docs/api.md), the event
// stream, /metrics, /healthz and the OpenAPI document. Other modules include this header only.
// Beast and Asio stay behind it (pimpl) so that including it costs little.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/core.h"
#include "metrics/metrics.h"

namespace custos::ops {
class Engine;  // ops/ops.h
}  // namespace custos::ops

namespace custos::firmware {
class Library;  // firmware/firmware.h
}  // namespace custos::firmware

namespace custos::campaign {
class Manager;  // campaign/campaign.h
}  // namespace custos::campaign

namespace custos::api {

class Lwm2mPort;  // api/lwm2m_port.h

struct HttpOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_import_bytes = std::size_t{1} << 30;
  int io_threads = 2;       // threads running the io_context
  int worker_threads = 16;  // blocking pool for handlers that touch the store
  std::size_t max_header_bytes = 16 * 1024;
  int header_timeout_ms = 30'000;  // a client must send a request's header within this
  int body_timeout_ms = 30'000;    // ... and each further piece of its body within this
  int sse_keepalive_ms = 15'000;   // ": keep-alive" comment on idle event streams
  int shutdown_grace_ms = 10'000;  // Stop() waits this long for in-flight requests
};

// What the handlers act on. Everything must outlive the server.
struct Services {
  core::Registry& registry;
  core::TokenService& tokens;
  core::EventBus& events;
  core::Store& store;
  metrics::Registry& metrics;
  // LwM2M device management; null when the server runs no LwM2M (those routes answer 503).
  Lwm2mPort* lwm2m = nullptr;
  // The remote operations engine; null: the operations routes answer 503.
  ops::Engine* operations = nullptr;
  // Firmware images; null: the firmware routes answer 503.
  firmware::Library* firmware = nullptr;
  // Staged campaigns; null: the campaign routes answer 503.
  campaign::Manager* campaigns = nullptr;
};

class HttpServer {
 public:
  // Binds and starts serving; kUnavailable with the reason if it cannot bind. Registers the
  // HTTP metrics and the fleet/store/event gauges of docs/api.md in services.metrics.
  static core::Result<std::unique_ptr<HttpServer>> Start(const HttpOptions& options,
                                                         Services services);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port (useful with port 0).
  std::uint16_t port() const;

  // Graceful: stop accepting, let in-flight requests finish (up to shutdown_grace_ms), end
  // event streams, join threads, unregister the callback gauges. Idempotent.
  void Stop();

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The routes the server serves, as (method, path template) pairs, e.g.
// ("GET", "/api/v1/devices/{id}"); the OpenAPI test compares this with the document.
std::vector<std::pair<std::string, std::string>> Routes();

}  // namespace custos::api
