// GET /api/v1/events over the socket: a text/event-stream fed by an EventBus subscription.
// No thread waits on the subscription: its notifier moves the connection's timer to "now", on
// the connection's strand, and the coroutine drains the queue with Next(0). The same wait also
// watches the socket, so a client that leaves is noticed at once.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/write.hpp>
#include <exception>

#include "api/connection.h"
#include "api/error_response.h"
#include "api/event_stream_format.h"

namespace custos::api::net {

namespace {

constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);
// Events written per wake-up, so that one busy stream cannot hog its thread.
constexpr int kMaxEventsPerWrite = 256;

// Writes `data` as one chunk (HTTP/1.1) or as raw bytes (HTTP/1.0, delimited by the close).
asio::awaitable<beast::error_code> WriteData(Stream& stream, bool chunked, const std::string& data,
                                             std::chrono::milliseconds timeout) {
  stream.expires_after(timeout);
  if (chunked) {
    const auto chunk = http::make_chunk(asio::buffer(data));
    auto [ec, n] = co_await asio::async_write(stream, chunk, kAsTuple);
    co_return ec;
  }
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(data), kAsTuple);
  co_return ec;
}

}  // namespace

asio::awaitable<int> ServeEventStream(Stream& stream, HeaderParser& header, Request& req,
                                      const Router::Resolution& route, ServerState& state,
                                      Connection& conn) {
  using namespace asio::experimental::awaitable_operators;
  const unsigned version = header.get().version();
  const auto write_timeout = std::chrono::milliseconds(state.options.body_timeout_ms);

  auto authorised = co_await AuthorizeOnWorker(state, route, req);
  core::Result<EventStreamParams> params = tl::unexpected(core::Error{});
  if (authorised) {
    params = ParseEventStreamParams(req);
  } else {
    params = tl::unexpected(authorised.error());
  }
  if (!params) {
    Response res = ErrorResponse(params.error());
    co_await WriteResponse(stream, res, version, false, write_timeout);
    co_return res.status;
  }

  // Subscribed before the header goes out: a client that has seen "200" misses nothing that
  // happens after.
  auto subscription = state.api.services().events.Subscribe(params->filter, params->after_seq);
  auto wake = std::make_shared<asio::steady_timer>(conn.strand());
  conn.wake = wake;
  // Moving the expiry to the past (rather than cancelling) also wakes a wait that has not
  // started yet, so no notification is lost between draining and waiting.
  subscription->SetNotifier([wake, strand = conn.strand()] {
    asio::post(strand, [wake] { wake->expires_at(asio::steady_timer::time_point::min()); });
  });

  const bool chunked = version >= 11;
  http::response<http::empty_body> head{http::status::ok, version};
  head.set(http::field::server, "custos");
  head.set(http::field::content_type, "text/event-stream");
  head.set(http::field::cache_control, "no-cache");
  head.set("X-Accel-Buffering", "no");  // proxies must not hold events back
  if (chunked) {
    head.chunked(true);
  } else {
    head.keep_alive(false);
  }
  http::response_serializer<http::empty_body> serializer{head};
  stream.expires_after(write_timeout);
  if (auto [ec, n] = co_await http::async_write_header(stream, serializer, kAsTuple); ec) {
    conn.wake.reset();
    co_return 200;
  }
  stream.expires_never();

  const auto keepalive = std::chrono::milliseconds(state.options.sse_keepalive_ms);
  auto next_keepalive = std::chrono::steady_clock::now() + keepalive;
  char scratch[512];
  bool more = true;  // drain first: replayed events may be waiting
  for (;;) {
    if (conn.closing || state.stopping.load() || subscription->Closed()) break;
    if (!more) {
      wake->expires_at(next_keepalive);
      auto woke = co_await (wake->async_wait(kAsTuple) ||
                            stream.socket().async_read_some(asio::buffer(scratch), kAsTuple));
      if (woke.index() == 1) {
        // The client spoke (nothing it may say matters) or, usually, hung up.
        if (std::get<0>(std::get<1>(woke))) break;
        continue;
      }
      if (conn.closing || state.stopping.load()) break;
    }
    std::string out;
    int count = 0;
    while (count < kMaxEventsPerWrite) {
      auto event = subscription->Next(0);
      if (!event) break;
      out += FormatEvent(*event);
      ++count;
    }
    more = count == kMaxEventsPerWrite;
    if (auto dropped = subscription->TakeDropped(); dropped > 0) {
      out += FormatComment("dropped " + std::to_string(dropped) + " events");
    }
    const auto now = std::chrono::steady_clock::now();
    if (out.empty() && now >= next_keepalive) out = FormatComment("keep-alive");
    if (out.empty()) continue;
    next_keepalive = now + keepalive;
    if (auto ec = co_await WriteData(stream, chunked, out, write_timeout); ec) break;
    stream.expires_never();
  }
  conn.wake.reset();
  subscription.reset();  // no more notifications
  if (chunked) {
    stream.expires_after(write_timeout);
    const auto last = http::make_chunk_last();
    co_await asio::async_write(stream, last, kAsTuple);
  }
  co_return 200;
}

}  // namespace custos::api::net
