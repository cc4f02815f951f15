// The HTTP/1.1 connection loop: read a header (bounded size and time), pick the route, read
// the body (bounded) or hand over to the import or event stream, answer on the worker pool,
// write, repeat while keep-alive holds. Requests are handled one after another, so pipelined
// requests are answered in order.
#include "api/connection.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>

#include "api/error_response.h"
#include "api/query.h"

namespace custos::api::net {

namespace {

constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsDisconnect(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
         ec == asio::error::bad_descriptor || ec == beast::error::timeout;
}

Response BadRequest(std::string message) {
  return ErrorResponse(core::Error{core::ErrorCode::kInvalidArgument, std::move(message), {}});
}

void LogAccess(const Request& req, int status, double seconds) {
  spdlog::debug("http: {} {} {} {:.1f}ms {}", req.method, req.path, status, seconds * 1000,
                req.actor.name.empty() ? "-" : req.actor.name);
}

// After an answer sent before the request's body was read: closing at once would make the
// kernel reset the connection, and the client could lose the answer while still sending. So
// stop writing and discard what still arrives, for a bounded time and amount ("lingering
// close", as web servers do).
asio::awaitable<void> LingeringClose(Stream& stream) {
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.expires_after(std::chrono::seconds(2));
  std::vector<char> sink(64 * 1024);
  std::size_t discarded = 0;
  while (discarded < (std::size_t{8} << 20)) {
    auto [read_ec, n] = co_await stream.async_read_some(asio::buffer(sink), kAsTuple);
    if (read_ec) break;
    discarded += n;
  }
}

}  // namespace

void Connection::Shutdown() {
  asio::post(strand_, [self = shared_from_this()] {
    self->closing = true;
    if (self->idle && self->stream != nullptr) {
      beast::error_code ec;
      self->stream->socket().close(ec);
    }
    if (self->wake) self->wake->expires_at(asio::steady_timer::time_point::min());
  });
}

bool ConnectionTracker::Add(std::shared_ptr<Connection> c) {
  std::lock_guard lock(mu_);
  if (shut_) return false;
  live_.insert(std::move(c));
  return true;
}

void ConnectionTracker::Remove(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mu_);
  live_.erase(c);
  if (live_.empty()) cv_.notify_all();
}

void ConnectionTracker::ShutdownAll() {
  std::lock_guard lock(mu_);
  shut_ = true;
  for (const auto& c : live_) c->Shutdown();
}

bool ConnectionTracker::WaitEmpty(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return live_.empty(); });
}

void ConnectionTracker::Clear() {
  std::lock_guard lock(mu_);
  live_.clear();
}

core::Result<Request> RequestFromHeader(const HeaderParser& parser) {
  const auto& head = parser.get();
  Request req;
  req.method = std::string(head.method_string());
  auto target = ParseTarget(std::string_view(head.target().data(), head.target().size()));
  if (!target) return tl::unexpected(target.error());
  req.path = std::move(target->path);
  req.query = std::move(target->query);
  for (const auto& field : head) {
    req.headers.emplace(
        Lower(std::string_view(field.name_string().data(), field.name_string().size())),
        std::string(field.value()));
  }
  return req;
}

asio::awaitable<beast::error_code> WriteResponse(Stream& stream, const Response& res,
                                                 unsigned version, bool keep_alive,
                                                 std::chrono::milliseconds timeout) {
  if (res.file) co_return co_await WriteFileResponse(stream, res, version, keep_alive, timeout);
  http::response<http::string_body> out;
  out.version(version);
  out.result(static_cast<unsigned>(res.status));
  out.set(http::field::server, "custos");
  if (!res.content_type.empty()) out.set(http::field::content_type, res.content_type);
  for (const auto& [name, value] : res.headers) out.set(name, value);
  out.body() = res.body;
  out.keep_alive(keep_alive);
  out.prepare_payload();
  stream.expires_after(timeout);
  auto [ec, n] = co_await http::async_write(stream, out, kAsTuple);
  co_return ec;
}

bool ExpectsContinue(const HeaderParser& header) {
  const auto& head = header.get();
  return head.version() >= 11 && beast::iequals(head[http::field::expect], "100-continue");
}

asio::awaitable<beast::error_code> MaybeSendContinue(Stream& stream, bool expected) {
  if (!expected) co_return beast::error_code{};
  http::response<http::empty_body> cont{http::status::continue_, 11};
  auto [ec, n] = co_await http::async_write(stream, cont, kAsTuple);
  co_return ec;
}

asio::awaitable<core::Result<void>> AuthorizeOnWorker(ServerState& state,
                                                      const Router::Resolution& route,
                                                      Request& req) {
  const RestApi* api = &state.api;
  auto work = [api, route, req = std::move(req)]() mutable {
    core::Result<void> ok;
    try {
      ok = api->Authorize(*route.route, req);
    } catch (const std::exception& e) {
      ok = core::MakeError(core::ErrorCode::kInternal, e.what());
    }
    return std::make_pair(std::move(ok), std::move(req));
  };
  auto done = co_await RunOnWorker(state.workers, std::move(work));
  req = std::move(done.second);
  co_return std::move(done.first);
}

asio::awaitable<void> RunConnection(std::shared_ptr<Connection> conn, tcp::socket socket,
                                    ServerState& state) {
  const HttpOptions& options = state.options;
  const auto header_timeout = std::chrono::milliseconds(options.header_timeout_ms);
  const auto body_timeout = std::chrono::milliseconds(options.body_timeout_ms);
  Stream stream(std::move(socket));
  conn->stream = &stream;
  beast::flat_buffer buffer;
  bool linger = false;  // the last answer went out before its request's body was read

  for (;;) {
    if (conn->closing || state.stopping.load()) break;
    HeaderParser header;
    header.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    // Body limits depend on the route, so they are set once it is known.
    header.body_limit(boost::none);
    stream.expires_after(header_timeout);
    conn->idle = true;
    auto [read_ec, read_n] = co_await http::async_read_header(stream, buffer, header, kAsTuple);
    conn->idle = false;
    if (read_ec) {
      if (!IsDisconnect(read_ec) && !conn->closing) {
        // Garbage or an oversized header: say so once, then hang up.
        std::string why = read_ec == http::error::header_limit
                              ? "request header too large"
                              : "malformed request: " + read_ec.message();
        const Response bad = BadRequest(why);
        co_await WriteResponse(stream, bad, 11, false, body_timeout);
      }
      break;
    }
    const auto start = std::chrono::steady_clock::now();
    const unsigned version = header.get().version();
    bool keep_alive = header.get().keep_alive();

    auto parsed = RequestFromHeader(header);
    if (!parsed) {
      const Response bad = ErrorResponse(parsed.error());
      co_await WriteResponse(stream, bad, version, false, body_timeout);
      break;
    }
    Request req = std::move(*parsed);
    Router::Resolution resolution = state.api.Resolve(req.method, req.path);
    const bool found = resolution.outcome == Router::Resolution::Outcome::kFound;
    const std::string route_label = found ? resolution.route->path : "unmatched";
    Response res;

    if (found && resolution.route->kind == RouteKind::kEventStream) {
      int status = co_await ServeEventStream(stream, header, req, resolution, state, *conn);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      state.metrics.Record(req.method, route_label, status, seconds);
      LogAccess(req, status, seconds);
      break;  // a stream owns the connection to its end
    }
    if (found && resolution.route->kind == RouteKind::kImport) {
      res = co_await ServeImport(stream, buffer, header, req, resolution, state, keep_alive);
      linger = !keep_alive;
    } else if (found && resolution.route->kind == RouteKind::kFirmwareUpload) {
      res = co_await ServeFirmwareUpload(stream, buffer, header, req, resolution, state,
                                         keep_alive);
      linger = !keep_alive;
    } else {
      const bool expects_continue = ExpectsContinue(header);
      http::request_parser<http::string_body> parser(std::move(header));
      parser.body_limit(options.max_body_bytes);
      const auto length = parser.content_length();
      if (length && *length > options.max_body_bytes) {
        // Answer without reading the rest; the unread body forces a close.
        res = ErrorResponse(
            core::Error{core::ErrorCode::kPayloadTooLarge,
                        "body over " + std::to_string(options.max_body_bytes) + " bytes",
                        {}});
        keep_alive = false;
        linger = true;
      } else {
        if (auto ec = co_await MaybeSendContinue(stream, expects_continue); ec) break;
        beast::error_code body_ec;
        // A request without a body (every GET) is complete with its header: no read, and no
        // trip through the scheduler for one that would complete at once.
        if (!parser.is_done()) {
          stream.expires_after(body_timeout);
          auto [read_ec, body_n] = co_await http::async_read(stream, buffer, parser, kAsTuple);
          body_ec = read_ec;
        }
        if (body_ec == http::error::body_limit) {
          res = ErrorResponse(
              core::Error{core::ErrorCode::kPayloadTooLarge,
                          "body over " + std::to_string(options.max_body_bytes) + " bytes",
                          {}});
          keep_alive = false;
          linger = true;
        } else if (body_ec) {
          if (!IsDisconnect(body_ec)) {
            const Response bad = BadRequest("malformed body: " + body_ec.message());
            co_await WriteResponse(stream, bad, version, false, body_timeout);
          }
          break;
        } else {
          req.body = std::move(parser.get().body());
          // Answered here when memory has all it takes: no hop to the worker pool and back.
          if (auto fast = state.api.AnswerFromMemory(resolution, req)) {
            res = std::move(*fast);
          } else {
            const RestApi* api = &state.api;
            auto work = [api, resolution, req = std::move(req)]() mutable {
              Response r = api->Run(resolution, req);
              return std::make_pair(std::move(r), std::move(req));
            };
            auto answered = co_await RunOnWorker(state.workers, std::move(work));
            res = std::move(answered.first);
            req = std::move(answered.second);
          }
        }
      }
    }

    keep_alive = keep_alive && !conn->closing && !state.stopping.load();
    auto write_ec = co_await WriteResponse(stream, res, version, keep_alive, body_timeout);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.metrics.Record(req.method, route_label, res.status, seconds);
    LogAccess(req, res.status, seconds);
    if (write_ec || !keep_alive) break;
  }

  if (linger && !conn->closing) co_await LingeringClose(stream);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.socket().close(ec);
  conn->stream = nullptr;
}

}  // namespace custos::api::net
