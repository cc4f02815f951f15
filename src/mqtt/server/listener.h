// One listening socket (plain or TLS) and its accept loop. Internal to the mqtt/server module.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "mqtt/server/context.h"

namespace custos::mqtt::server {

class Listener {
 public:
  // `tls` null: plain TCP. Both must outlive the listener.
  Listener(asio::io_context& ioc, ServerContext& ctx, asio::ssl::context* tls)
      : ioc_(ioc), ctx_(ctx), tls_(tls), acceptor_(asio::make_strand(ioc)) {
    strands_.reserve(kConnectionStrands);
    for (std::size_t i = 0; i < kConnectionStrands; ++i) strands_.push_back(asio::make_strand(ioc));
  }

  // kUnavailable naming the address when it cannot resolve, bind or listen.
  core::Result<void> Bind(const std::string& host, std::uint16_t port);
  // Accepts until Close(): each connection on one of the listener's strands.
  void Start();
  void Close();
  std::uint16_t port() const { return port_; }

 private:
  asio::awaitable<void> Accept();
  void Serve(asio::ip::tcp::socket socket);

  asio::io_context& ioc_;
  ServerContext& ctx_;
  asio::ssl::context* tls_;
  // Connections share these strands, dealt out in turn: a strand of its own would cost each
  // connection about 130 bytes (Asio allocates every strand's state), and a connection's
  // handlers are short, so sharing one costs no parallelism with a few I/O threads.
  static constexpr std::size_t kConnectionStrands = 1024;
  std::vector<asio::strand<asio::io_context::executor_type>> strands_;
  std::size_t next_strand_ = 0;  // used by the accept loop only
  asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
};

}  // namespace custos::mqtt::server
