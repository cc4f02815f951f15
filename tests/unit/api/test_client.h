// A small blocking HTTP client for the server tests: Beast for whole requests, a raw socket
// for streams and for bytes no client library would send. Every read is bounded by a socket
// receive timeout, so a misbehaving server fails a test instead of hanging it.
#pragma once

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <string>

namespace custos::api::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool keep_alive = false;
  boost::json::value Json() const { return boost::json::parse(body); }
  std::string Code() const { return std::string(Json().at("error").at("code").as_string()); }
};

// A connection to the server under test.
class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    timeval tv{10, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  Reply Send(const std::string& method, const std::string& target, const std::string& body = "",
             std::map<std::string, std::string> headers = {}, unsigned version = 11) {
    http::request<http::string_body> req{http::string_to_verb(method), target, version};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == "POST" || method == "PATCH") {
      req.body() = body;
      if (req[http::field::content_type].empty()) {
        req.set(http::field::content_type, "application/json");
      }
    }
    req.prepare_payload();
    http::write(socket_, req);
    return Read();
  }

  // Reads one response from the connection.
  Reply Read() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::size_t{1} << 30);
    http::read(socket_, buffer_, parser);
    Reply r;
    r.status = static_cast<int>(parser.get().result_int());
    for (const auto& f : parser.get()) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(f.value());
    }
    r.body = parser.get().body();
    r.keep_alive = parser.get().keep_alive();
    return r;
  }

  void WriteRaw(const std::string& bytes) { asio::write(socket_, asio::buffer(bytes)); }

  // Reads raw bytes until `needle` has been seen or the connection ends; returns all of them.
  std::string ReadUntil(const std::string& needle) {
    std::string seen(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    buffer_.consume(buffer_.size());
    char chunk[4096];
    while (seen.find(needle) == std::string::npos) {
      boost::system::error_code ec;
      std::size_t n = socket_.read_some(asio::buffer(chunk), ec);
      if (ec) break;
      seen.append(chunk, n);
    }
    return seen;
  }

  // Whether the server closes the connection (reads to the end, bounded by the timeout).
  bool ClosedByServer() {
    char chunk[4096];
    for (;;) {
      boost::system::error_code ec;
      socket_.read_some(asio::buffer(chunk), ec);
      if (ec == asio::error::eof || ec == asio::error::connection_reset) return true;
      if (ec) return false;  // the timeout
    }
  }

  tcp::socket& socket() { return socket_; }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace custos::api::testing
