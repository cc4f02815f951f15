#include "cli/http_client.h"

#include <fmt/format.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <vector>

namespace custos::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::uint64_t kMaxResponseBytes = 256ull << 20;
constexpr std::size_t kUploadPieceBytes = 64 << 10;
constexpr std::size_t kStreamPieceBytes = 16 << 10;
constexpr const char* kUserAgent = "custos-cli/0.1";

long Seconds(std::chrono::milliseconds ms) { return static_cast<long>((ms.count() + 999) / 1000); }

// One connection to the server. Every operation is Beast's asynchronous form run to completion
// on a private io_context: that is how tcp_stream's time-outs work, and to the caller it is
// a plain blocking call.
class Connection {
 public:
  Connection(const Endpoint& endpoint, HttpTimeouts timeouts)
      : endpoint_(endpoint), timeouts_(timeouts), stream_(ioc_) {}

  ~Connection() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  Outcome<void> Open() {
    tcp::resolver resolver(ioc_);
    beast::error_code ec;
    auto results = resolver.resolve(endpoint_.host, std::to_string(endpoint_.port), ec);
    if (ec) return Unreachable(fmt::format("cannot resolve {}: {}", endpoint_.host, ec.message()));
    stream_.expires_after(timeouts_.request);
    ec = Wait([&](auto handler) { stream_.async_connect(results, handler); });
    if (ec) return Fail("connect", ec);
    return {};
  }

  // Runs one asynchronous operation to completion and returns its error.
  template <class Start>
  beast::error_code Wait(Start&& start) {
    beast::error_code result = asio::error::would_block;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc_.restart();
    ioc_.run();
    return result;
  }

  tl::unexpected<Failure> Fail(std::string_view step, beast::error_code ec) const {
    if (ec == beast::error::timeout) {
      return Unreachable(fmt::format("{}: no answer within {} s ({})", endpoint_.ToString(),
                                     Seconds(timeouts_.request), step));
    }
    return Unreachable(
        fmt::format("cannot reach {}: {}: {}", endpoint_.ToString(), step, ec.message()));
  }

  template <class Body>
  void SetCommonFields(http::request<Body>& req, const HttpRequest& request) const {
    req.set(http::field::host, endpoint_.HostHeader());
    req.set(http::field::user_agent, kUserAgent);
    for (const auto& [name, value] : request.headers) req.set(name, value);
  }

  // Reads a whole answer.
  Outcome<HttpResponse> ReadResponse() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBytes);
    beast::error_code ec =
        Wait([&](auto handler) { http::async_read(stream_, buffer_, parser, handler); });
    if (ec) return Fail("reading the answer", ec);
    HttpResponse response = Head(parser.get());
    response.body = std::move(parser.get().body());
    return response;
  }

  template <class Message>
  static HttpResponse Head(const Message& message) {
    HttpResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    return response;
  }

  tcp::socket& Socket() { return stream_.socket(); }
  beast::tcp_stream& Stream() { return stream_; }
  beast::flat_buffer& Buffer() { return buffer_; }
  const HttpTimeouts& Timeouts() const { return timeouts_; }

 private:
  const Endpoint& endpoint_;
  HttpTimeouts timeouts_;
  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

Outcome<http::verb> Verb(const std::string& method) {
  http::verb verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) return UsageError("unknown HTTP method " + method);
  return verb;
}

class BeastClient final : public HttpTransport {
 public:
  BeastClient(Endpoint endpoint, HttpTimeouts timeouts)
      : endpoint_(std::move(endpoint)), timeouts_(timeouts) {}

  Outcome<HttpResponse> Send(const HttpRequest& request) override {
    auto verb = Verb(request.method);
    if (!verb) return tl::unexpected(verb.error());
    Connection conn(endpoint_, timeouts_);
    if (auto opened = conn.Open(); !opened) return tl::unexpected(opened.error());
    http::request<http::string_body> req{*verb, request.target, 11};
    conn.SetCommonFields(req, request);
    req.body() = request.body;
    if (!request.body.empty() || *verb == http::verb::post || *verb == http::verb::patch ||
        *verb == http::verb::put) {
      req.prepare_payload();
    }
    // The deadline set by Open covers the whole exchange.
    beast::error_code ec =
        conn.Wait([&](auto handler) { http::async_write(conn.Stream(), req, handler); });
    if (ec) return conn.Fail("sending the request", ec);
    return conn.ReadResponse();
  }

  Outcome<HttpResponse> Upload(const HttpRequest& request, std::istream& body,
                               const SentFn& on_sent) override {
    auto verb = Verb(request.method);
    if (!verb) return tl::unexpected(verb.error());
    Connection conn(endpoint_, timeouts_);
    if (auto opened = conn.Open(); !opened) return tl::unexpected(opened.error());

    http::request<http::buffer_body> req{*verb, request.target, 11};
    conn.SetCommonFields(req, request);
    req.chunked(true);
    req.body().data = nullptr;
    req.body().more = true;
    http::request_serializer<http::buffer_body> serializer{req};

    conn.Stream().expires_after(timeouts_.request);
    beast::error_code ec = conn.Wait(
        [&](auto handler) { http::async_write_header(conn.Stream(), serializer, handler); });
    std::vector<char> piece(kUploadPieceBytes);
    while (!ec) {
      body.read(piece.data(), static_cast<std::streamsize>(piece.size()));
      const auto n = static_cast<std::size_t>(body.gcount());
      if (body.bad()) return UsageError("reading the file to upload failed");
      const bool last = n == 0;
      req.body().data = last ? nullptr : piece.data();
      req.body().size = n;
      req.body().more = !last;
      conn.Stream().expires_after(timeouts_.request);
      ec = conn.Wait([&](auto handler) { http::async_write(conn.Stream(), serializer, handler); });
      if (ec == http::error::need_buffer) ec = {};
      if (ec) break;
      if (on_sent && n > 0) on_sent(std::string_view(piece.data(), n));
      if (last) break;
    }
    conn.Stream().expires_after(timeouts_.request);
    auto response = conn.ReadResponse();
    // A server may refuse the body early (a bad CSV header) and close: its answer is what the
    // user needs, not the broken pipe it caused.
    if (ec && !response) return conn.Fail("sending the body", ec);
    return response;
  }

  Outcome<HttpResponse> Stream(const HttpRequest& request, const ReceivedFn& on_received) override {
    auto verb = Verb(request.method);
    if (!verb) return tl::unexpected(verb.error());
    Connection conn(endpoint_, timeouts_);
    if (auto opened = conn.Open(); !opened) return tl::unexpected(opened.error());
    http::request<http::string_body> req{*verb, request.target, 11};
    conn.SetCommonFields(req, request);
    req.body() = request.body;
    if (!request.body.empty()) req.prepare_payload();
    beast::error_code ec =
        conn.Wait([&](auto handler) { http::async_write(conn.Stream(), req, handler); });
    if (ec) return conn.Fail("sending the request", ec);

    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    ec = conn.Wait([&](auto handler) {
      http::async_read_header(conn.Stream(), conn.Buffer(), parser, handler);
    });
    if (ec) return conn.Fail("reading the answer", ec);
    HttpResponse response = Connection::Head(parser.get());
    const bool streaming = response.status >= 200 && response.status < 300;
    if (streaming && !on_received(std::string_view())) return response;

    std::array<char, kStreamPieceBytes> piece{};
    while (!parser.is_done()) {
      parser.get().body().data = piece.data();
      parser.get().body().size = piece.size();
      conn.Stream().expires_after(streaming ? timeouts_.stream_idle : timeouts_.request);
      ec = conn.Wait([&](auto handler) {
        http::async_read_some(conn.Stream(), conn.Buffer(), parser, handler);
      });
      if (ec == http::error::need_buffer) ec = {};
      if (ec) {
        if (ec == beast::error::timeout) {
          return Unreachable(fmt::format("{}: the stream went silent for {} s",
                                         endpoint_.ToString(), Seconds(timeouts_.stream_idle)));
        }
        return conn.Fail("reading the stream", ec);
      }
      const std::size_t n = piece.size() - parser.get().body().size;
      if (streaming) {
        if (n > 0 && !on_received(std::string_view(piece.data(), n))) break;
      } else {
        if (response.body.size() + n > kMaxResponseBytes) break;
        response.body.append(piece.data(), n);
      }
    }
    return response;
  }

 private:
  Endpoint endpoint_;
  HttpTimeouts timeouts_;
};

}  // namespace

std::unique_ptr<HttpTransport> MakeHttpClient(const Endpoint& endpoint, HttpTimeouts timeouts) {
  return std::make_unique<BeastClient>(endpoint, timeouts);
}

}  // namespace custos::cli
