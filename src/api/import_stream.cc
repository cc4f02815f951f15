// POST /api/v1/devices/import over the socket: the body is read in pieces into a fixed buffer
// (Beast's buffer_body) and each piece is fed to a DeviceImport on the worker pool, which
// stores full batches before the next piece is read. The import's own byte limit applies, not
// max_body_bytes.
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>
#include <exception>
#include <utility>
#include <vector>

#include "api/connection.h"
#include "api/device_import.h"
#include "api/error_response.h"
#include "api/json_body.h"

namespace custos::api::net {

namespace {

constexpr std::size_t kChunkBytes = 128 * 1024;

core::Result<void> Guarded(const std::function<core::Result<void>()>& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return core::MakeError(core::ErrorCode::kInternal, std::string("import failed: ") + e.what());
  }
}

}  // namespace

asio::awaitable<Response> ServeImport(Stream& stream, beast::flat_buffer& buffer,
                                      HeaderParser& header, Request& req,
                                      const Router::Resolution& route, ServerState& state,
                                      bool& keep_alive) {
  // Every early answer leaves the body unread, so the connection cannot be reused.
  keep_alive = false;
  auto authorised = co_await AuthorizeOnWorker(state, route, req);
  if (!authorised) co_return ErrorResponse(authorised.error());

  auto format = json::ImportFormatFromContentType(req.Header("content-type"));
  if (!format) {
    co_return ErrorResponse(415, "unsupported_media_type",
                            "an import body is application/json, application/x-ndjson or "
                            "text/csv");
  }
  auto policy = ParseConflictPolicy(req);
  if (!policy) co_return ErrorResponse(policy.error());

  const std::size_t limit = state.options.max_import_bytes;
  const bool expects_continue = ExpectsContinue(header);
  http::request_parser<http::buffer_body> parser(std::move(header));
  parser.body_limit(limit);
  const core::Error too_large{core::ErrorCode::kPayloadTooLarge,
                              "import body over " + std::to_string(limit) + " bytes",
                              {}};
  if (auto length = parser.content_length(); length && *length > limit) {
    co_return ErrorResponse(too_large);
  }
  if (auto ec = co_await MaybeSendContinue(stream, expects_continue); ec) {
    co_return ErrorResponse(core::Error{core::ErrorCode::kUnavailable, ec.message(), {}});
  }

  auto import =
      std::make_shared<DeviceImport>(state.api.services().registry, req.actor, *format, *policy);
  std::vector<char> chunk(kChunkBytes);
  const auto timeout = std::chrono::milliseconds(state.options.body_timeout_ms);
  while (!parser.is_done()) {
    if (state.stopping.load()) {
      co_return import->FailureResponse(
          core::Error{core::ErrorCode::kUnavailable, "the server is shutting down", {}});
    }
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    stream.expires_after(timeout);
    auto [ec, n] =
        co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (ec == http::error::need_buffer) ec = {};
    if (ec == http::error::body_limit) co_return import->FailureResponse(too_large);
    if (ec) {
      co_return import->FailureResponse(
          core::Error{core::ErrorCode::kInvalidArgument, "body read failed: " + ec.message(), {}});
    }
    const std::size_t got = chunk.size() - parser.get().body().size;
    if (got == 0) continue;
    auto feed = [import, piece = std::string(chunk.data(), got)] {
      return Guarded([&] { return import->Feed(piece); });
    };
    auto fed = co_await RunOnWorker(state.workers, std::move(feed));
    if (!fed) co_return import->FailureResponse(fed.error());
  }
  auto finish = [import] { return Guarded([&] { return import->Finish(); }); };
  auto finished = co_await RunOnWorker(state.workers, std::move(finish));
  if (!finished) co_return import->FailureResponse(finished.error());
  keep_alive = parser.get().keep_alive();
  co_return JsonResponse(200, import->Report());
}

}  // namespace custos::api::net
