// POST /api/v1/firmware over the socket: the image is the raw body, read in pieces into a
// fixed buffer and written to the firmware library's upload on the worker pool (file writes
// and hashing block), so an image of any allowed size costs one buffer. The library's
// max_size applies, not max_body_bytes; a Content-Length over it is refused before reading.
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>
#include <exception>
#include <functional>
#include <utility>
#include <vector>

#include "api/connection.h"
#include "api/error_response.h"
#include "api/firmware_json.h"
#include "firmware/firmware.h"

namespace custos::api::net {

namespace {

constexpr std::size_t kChunkBytes = 128 * 1024;

template <class T>
core::Result<T> Guarded(const std::function<core::Result<T>()>& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return core::MakeError(core::ErrorCode::kInternal, std::string("upload failed: ") + e.what());
  }
}

std::vector<std::string> SplitModels(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

core::Result<firmware::UploadRequest> UploadRequestOf(const Request& req) {
  firmware::UploadRequest request;
  const std::string* version = req.Query("version");
  if (version == nullptr || version->empty()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, "version: required");
  }
  request.version = *version;
  const std::string* name = req.Query("name");
  request.name = name != nullptr && !name->empty() ? *name : "firmware";
  if (const std::string* models = req.Query("models")) request.models = SplitModels(*models);
  if (const std::string* sha256 = req.Query("sha256")) request.sha256 = *sha256;
  request.actor = req.actor;
  return request;
}

bool IsOctetStream(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return beast::iequals(type, "application/octet-stream");
}

}  // namespace

asio::awaitable<Response> ServeFirmwareUpload(Stream& stream, beast::flat_buffer& buffer,
                                              HeaderParser& header, Request& req,
                                              const Router::Resolution& route, ServerState& state,
                                              bool& keep_alive) {
  // Every early answer leaves the body unread, so the connection cannot be reused.
  keep_alive = false;
  auto authorised = co_await AuthorizeOnWorker(state, route, req);
  if (!authorised) co_return ErrorResponse(authorised.error());
  firmware::Library* library = state.api.services().firmware;
  if (library == nullptr) {
    co_return ErrorResponse(
        core::Error{core::ErrorCode::kUnavailable, "firmware images are not served", {}});
  }
  if (!IsOctetStream(req.Header("content-type"))) {
    co_return ErrorResponse(415, "unsupported_media_type",
                            "a firmware image is sent as application/octet-stream");
  }
  auto request = UploadRequestOf(req);
  if (!request) co_return ErrorResponse(request.error());

  const std::uint64_t limit = library->max_size();
  const bool expects_continue = ExpectsContinue(header);
  http::request_parser<http::buffer_body> parser(std::move(header));
  parser.body_limit(limit);
  const core::Error too_large{core::ErrorCode::kPayloadTooLarge,
                              "firmware image over " + std::to_string(limit) + " bytes",
                              {}};
  if (auto length = parser.content_length(); length && *length > limit) {
    co_return ErrorResponse(too_large);
  }
  auto begin = [library, request = std::move(*request)]() mutable {
    return Guarded<std::shared_ptr<firmware::Upload>>(
        [&]() -> core::Result<std::shared_ptr<firmware::Upload>> {
          auto upload = library->BeginUpload(std::move(request));
          if (!upload) return tl::unexpected(upload.error());
          return std::shared_ptr<firmware::Upload>(std::move(*upload));
        });
  };
  auto upload = co_await RunOnWorker(state.workers, std::move(begin));
  if (!upload) co_return ErrorResponse(upload.error());
  if (auto ec = co_await MaybeSendContinue(stream, expects_continue); ec) {
    co_return ErrorResponse(core::Error{core::ErrorCode::kUnavailable, ec.message(), {}});
  }

  std::vector<char> chunk(kChunkBytes);
  const auto timeout = std::chrono::milliseconds(state.options.body_timeout_ms);
  while (!parser.is_done()) {
    if (state.stopping.load()) {
      co_return ErrorResponse(
          core::Error{core::ErrorCode::kUnavailable, "the server is shutting down", {}});
    }
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    stream.expires_after(timeout);
    auto [ec, n] =
        co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (ec == http::error::need_buffer) ec = {};
    if (ec == http::error::body_limit) co_return ErrorResponse(too_large);
    if (ec) {
      co_return ErrorResponse(
          core::Error{core::ErrorCode::kInvalidArgument, "body read failed: " + ec.message(), {}});
    }
    const std::size_t got = chunk.size() - parser.get().body().size;
    if (got == 0) continue;
    auto write = [u = *upload, piece = std::string(chunk.data(), got)] {
      return Guarded<void>([&] { return u->Write(piece); });
    };
    auto written = co_await RunOnWorker(state.workers, std::move(write));
    if (!written) co_return ErrorResponse(written.error());
  }
  auto finish = [u = *upload, library] {
    return Guarded<Response>([&]() -> core::Result<Response> {
      auto image = u->Finish();
      if (!image) return tl::unexpected(image.error());
      Response res = FirmwareResponse(201, *image, library->UrlsOf(image->id));
      res.headers.emplace_back("Location", "/api/v1/firmware/" + std::to_string(image->id));
      return res;
    });
  };
  auto finished = co_await RunOnWorker(state.workers, std::move(finish));
  keep_alive = parser.get().keep_alive();
  if (!finished) co_return ErrorResponse(finished.error());
  co_return std::move(*finished);
}

}  // namespace custos::api::net
