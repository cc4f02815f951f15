// One listening socket (plain or TLS) and its accept loop. Internal to the mqtt/server module.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <string>

#include "mqtt/server/context.h"

namespace custos::mqtt::server {

class Listener {
 public:
  // `tls` null: plain TCP. Both must outlive the listener.
  Listener(asio::io_context& ioc, ServerContext& ctx, asio::ssl::context* tls)
      : ioc_(ioc), ctx_(ctx), tls_(tls), acceptor_(asio::make_strand(ioc)) {}

  // kUnavailable naming the address when it cannot resolve, bind or listen.
  core::Result<void> Bind(const std::string& host, std::uint16_t port);
  // Accepts until Close(): each connection on a strand of its own.
  void Start();
  void Close();
  std::uint16_t port() const { return port_; }

 private:
  asio::awaitable<void> Accept();
  void Serve(asio::ip::tcp::socket socket);

  asio::io_context& ioc_;
  ServerContext& ctx_;
  asio::ssl::context* tls_;
  asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
};

}  // namespace custos::mqtt::server
