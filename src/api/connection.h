// The socket side of the server, shared by the few translation units that include Beast
// (server.cc, connection.cc, import_stream.cc, event_stream.cc). Everything else in the module
// works on api::Request / api::Response. Internal to the api module.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <type_traits>

#include "api/api_metrics.h"
#include "api/http_server.h"
#include "api/message.h"
#include "api/rest_api.h"
#include "api/router.h"

namespace custos::api::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Stream = beast::tcp_stream;
using HeaderParser = http::request_parser<http::empty_body>;

// One client connection, as seen by Stop(): its members are touched only on its strand.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(asio::any_io_executor strand) : strand_(std::move(strand)) {}

  const asio::any_io_executor& strand() const { return strand_; }

  Stream* stream = nullptr;                  // set while the connection runs
  bool idle = false;                         // waiting for the next request's header
  bool closing = false;                      // finish the current request, then close
  std::shared_ptr<asio::steady_timer> wake;  // an event stream's timer, when streaming

  // From any thread: lets the current request finish, then closes; an idle connection closes
  // at once and an event stream ends.
  void Shutdown();

 private:
  asio::any_io_executor strand_;
};

// The live connections of a server, so that Stop() can end them and wait for them.
class ConnectionTracker {
 public:
  // False once ShutdownAll() has run: the caller must drop the connection.
  bool Add(std::shared_ptr<Connection> c);
  void Remove(const std::shared_ptr<Connection>& c);
  void ShutdownAll();
  // Whether every connection ended within `timeout`.
  bool WaitEmpty(std::chrono::milliseconds timeout);
  // Forgets every connection; after the io_context has stopped, before it is destroyed.
  void Clear();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::shared_ptr<Connection>> live_;
  bool shut_ = false;
};

// What every connection of one server shares.
struct ServerState {
  const HttpOptions& options;
  const RestApi& api;
  HttpMetrics& metrics;
  asio::thread_pool& workers;
  ConnectionTracker& tracker;
  std::atomic<bool>& stopping;
};

// Runs `fn` on the worker pool and resumes the calling coroutine on its own executor (its
// strand) with the result. Plain `co_await asio::post(pool, use_awaitable)` would not do: the
// awaitable's completion is dispatched back to the coroutine's executor, so the work after it
// would run on the I/O thread after all. `fn` owns what it uses and must not throw.
template <class F>
asio::awaitable<std::invoke_result_t<F&>> RunOnWorker(asio::thread_pool& pool, F fn) {
  using R = std::invoke_result_t<F&>;
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(R)>(
      [&pool](auto handler, F work) {
        asio::post(pool, [handler = std::move(handler), work = std::move(work)]() mutable {
          R result = work();
          auto ex = asio::get_associated_executor(handler);
          asio::dispatch(ex, [handler = std::move(handler), result = std::move(result)]() mutable {
            std::move(handler)(std::move(result));
          });
        });
      },
      asio::use_awaitable, std::move(fn));
}

// Route::role check for the routes the connection serves itself, on the worker pool (it reads
// the store); fills req.actor.
asio::awaitable<core::Result<void>> AuthorizeOnWorker(ServerState& state,
                                                      const Router::Resolution& route,
                                                      Request& req);

// GCC 12 mishandles non-trivial temporaries (lambdas with init-captures, strings) inside a
// co_await expression: build them as named locals first, then co_await.

// Serves one connection until the client leaves, an error, or Stop().
asio::awaitable<void> RunConnection(std::shared_ptr<Connection> conn, tcp::socket socket,
                                    ServerState& state);

// Writes `res` as the answer to a request of HTTP `version` (10 or 11).
asio::awaitable<beast::error_code> WriteResponse(Stream& stream, const Response& res,
                                                 unsigned version, bool keep_alive,
                                                 std::chrono::milliseconds timeout);

// The request head as an api::Request (no body yet); kInvalidArgument for a bad target.
core::Result<Request> RequestFromHeader(const HeaderParser& parser);

// POST /api/v1/devices/import: authorises, then streams the body into a DeviceImport.
// Returns the answer, and in `keep_alive` whether the connection can carry on (the whole body
// was read).
asio::awaitable<Response> ServeImport(Stream& stream, beast::flat_buffer& buffer,
                                      HeaderParser& header, Request& req,
                                      const Router::Resolution& route, ServerState& state,
                                      bool& keep_alive);

// POST /api/v1/firmware: authorises, then streams the body into a firmware upload (the
// library's max_size applies, not max_body_bytes). As ServeImport for `keep_alive`.
asio::awaitable<Response> ServeFirmwareUpload(Stream& stream, beast::flat_buffer& buffer,
                                              HeaderParser& header, Request& req,
                                              const Router::Resolution& route,
                                              ServerState& state, bool& keep_alive);

// Writes `res`, whose body is res.file, streaming the file in pieces.
asio::awaitable<beast::error_code> WriteFileResponse(Stream& stream, const Response& res,
                                                     unsigned version, bool keep_alive,
                                                     std::chrono::milliseconds timeout);

// GET /api/v1/events: authorises, then streams events until the client leaves or Stop().
// Returns the status answered, for the access log and metrics.
asio::awaitable<int> ServeEventStream(Stream& stream, HeaderParser& header, Request& req,
                                      const Router::Resolution& route, ServerState& state,
                                      Connection& conn);

// Whether the client waits for "100 Continue" before sending its body.
bool ExpectsContinue(const HeaderParser& header);
// Writes "HTTP/1.1 100 Continue" when `expected`.
asio::awaitable<beast::error_code> MaybeSendContinue(Stream& stream, bool expected);

}  // namespace custos::api::net
