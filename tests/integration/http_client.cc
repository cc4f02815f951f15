#include "http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

namespace custos::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

const boost::json::value& HttpResponse::Json() const {
  if (!json_) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    json_ = ec ? boost::json::value() : std::move(v);
  }
  return *json_;
}

struct HttpClient::Impl {
  asio::io_context io;
  std::optional<beast::tcp_stream> stream;
};

HttpClient::HttpClient(std::string host, unsigned short port, std::string token)
    : host_(std::move(host)), port_(port), token_(std::move(token)),
      impl_(std::make_unique<Impl>()) {}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::Request(const std::string& method, const std::string& target,
                                 const std::string& body,
                                 const std::map<std::string, std::string>& headers) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      if (!impl_->stream) {
        impl_->stream.emplace(impl_->io);
        impl_->stream->connect(tcp::endpoint(asio::ip::make_address(host_), port_));
      }
      http::request<http::string_body> req{http::string_to_verb(method), target, 11};
      req.set(http::field::host, host_);
      if (!token_.empty()) req.set(http::field::authorization, "Bearer " + token_);
      for (const auto& [k, v] : headers) req.set(k, v);
      req.body() = body;
      req.prepare_payload();
      impl_->stream->expires_after(std::chrono::seconds(120));
      http::write(*impl_->stream, req);
      beast::flat_buffer buffer;
      http::response_parser<http::string_body> parser;
      parser.body_limit(std::uint64_t{1} << 30);
      http::read(*impl_->stream, buffer, parser);
      auto res = parser.release();
      HttpResponse out;
      out.status = static_cast<int>(res.result_int());
      for (const auto& f : res) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(c));
        out.headers[name] = std::string(f.value());
      }
      out.body = std::move(res.body());
      if (!res.keep_alive()) impl_->stream.reset();
      return out;
    } catch (const std::exception&) {
      // A server may close an idle keep-alive connection; retry once on a new one.
      impl_->stream.reset();
      if (attempt == 1) throw;
    }
  }
  return {};
}

std::string HttpClient::Raw(const std::string& bytes, std::chrono::milliseconds timeout) {
  asio::io_context io;
  beast::tcp_stream s(io);
  s.connect(tcp::endpoint(asio::ip::make_address(host_), port_));
  s.expires_after(timeout);
  boost::system::error_code ec;
  asio::write(s, asio::buffer(bytes), ec);
  std::string out;
  char buf[4096];
  for (;;) {
    std::size_t n = s.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

std::shared_ptr<void> HttpClient::OpenAndSend(const std::string& bytes) {
  struct Open {
    asio::io_context io;
    tcp::socket socket{io};
  };
  auto open = std::make_shared<Open>();
  open->socket.connect(tcp::endpoint(asio::ip::make_address(host_), port_));
  asio::write(open->socket, asio::buffer(bytes));
  return open;
}

struct SseStream::Impl {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  std::string pending;
  bool ended = false;
};

SseStream::SseStream(const std::string& host, unsigned short port, const std::string& target,
                     const std::string& token, const std::string& last_event_id)
    : impl_(std::make_unique<Impl>()) {
  impl_->stream.connect(tcp::endpoint(asio::ip::make_address(host), port));
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, host);
  req.set(http::field::accept, "text/event-stream");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!last_event_id.empty()) req.set("Last-Event-ID", last_event_id);
  impl_->stream.expires_after(std::chrono::seconds(30));
  http::write(impl_->stream, req);
  impl_->parser.body_limit(boost::none);
  http::read_header(impl_->stream, impl_->buffer, impl_->parser);
  status_ = static_cast<int>(impl_->parser.get().result_int());
}

SseStream::~SseStream() = default;

std::optional<SseStream::Event> SseStream::Next(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // A complete event is a block ending in a blank line.
    auto end = impl_->pending.find("\n\n");
    while (end != std::string::npos) {
      std::string block = impl_->pending.substr(0, end);
      impl_->pending.erase(0, end + 2);
      Event e;
      std::size_t pos = 0;
      while (pos <= block.size()) {
        auto eol = block.find('\n', pos);
        std::string line = block.substr(pos, eol == std::string::npos ? eol : eol - pos);
        if (line.rfind("data: ", 0) == 0) e.data += line.substr(6);
        if (line.rfind("event: ", 0) == 0) e.type = line.substr(7);
        if (line.rfind("id: ", 0) == 0) e.id = line.substr(4);
        if (eol == std::string::npos) break;
        pos = eol + 1;
      }
      if (!e.data.empty() || !e.type.empty()) return e;
      end = impl_->pending.find("\n\n");
    }
    if (impl_->ended || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    char buf[8192];
    impl_->parser.get().body().data = buf;
    impl_->parser.get().body().size = sizeof buf;
    impl_->stream.expires_at(deadline);
    boost::system::error_code ec;
    http::read_some(impl_->stream, impl_->buffer, impl_->parser, ec);
    if (ec == http::error::need_buffer) ec = {};
    std::size_t got = sizeof buf - impl_->parser.get().body().size;
    impl_->pending.append(buf, got);
    // Normalise CRLF to LF so that block splitting is uniform.
    for (std::size_t p; (p = impl_->pending.find("\r\n")) != std::string::npos;) {
      impl_->pending.erase(p, 1);
    }
    if (ec || impl_->parser.is_done()) impl_->ended = true;
  }
}

}  // namespace custos::testing
