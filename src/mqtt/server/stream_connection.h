// The socket under a Connection: plain TCP or TLS. A plain connection holds no read buffer
// and no coroutine while idle: it waits for readability, then reads into a per-thread buffer
// that the framer copies from before anything else runs on the thread. TLS reads through a
// small buffer of its own in one coroutine (OpenSSL's state dwarfs both). Internal to the
// mqtt/server module.
#pragma once

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <type_traits>

#include "mqtt/server/connection.h"

namespace custos::mqtt::server {

using tcp = asio::ip::tcp;
using TlsStream = asio::ssl::stream<tcp::socket>;

// Logs an exception that ended a connection's coroutine.
void LogConnectionException(std::exception_ptr e);

// Lowercase hex SHA-256 of the peer's certificate; "" if it sent none.
std::string PeerCertificateFingerprint(TlsStream& stream);

template <class Stream>
class StreamConnection final : public Connection {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  StreamConnection(ServerContext& ctx, Stream stream, tcp::endpoint peer)
      : Connection(ctx, kTls ? "tls" : "tcp", peer), stream_(std::move(stream)) {}

  const asio::any_io_executor& strand() override {
    if constexpr (kTls) {
      return stream_.next_layer().get_executor();
    } else {
      return stream_.get_executor();
    }
  }

  // Serves the connection until its socket closes.
  void Start() {
    if constexpr (kTls) {
      asio::co_spawn(strand(), RunTls(), [self = shared_from_this()](std::exception_ptr e) {
        if (e) LogConnectionException(e);
      });
    } else {
      boost::system::error_code ec;
      stream_.non_blocking(true, ec);
      WaitReadable();
    }
  }

 private:
  static constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

  // TLS: one coroutine reads for the life of the connection.
  asio::awaitable<void> RunTls() {
    auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, kAsTuple);
    if (ec) {
      HandshakeFailed();
      Ended();
      co_return;
    }
    cert_fingerprint_ = PeerCertificateFingerprint(stream_);
    std::array<std::uint8_t, 2048> buffer;
    for (;;) {
      auto [read_ec, n] = co_await stream_.async_read_some(asio::buffer(buffer), kAsTuple);
      if (read_ec) break;
      Received(std::span<const std::uint8_t>(buffer.data(), n));
      co_await ProcessPackets();
    }
    Ended();
  }

  // Plain TCP: while idle, nothing but a wait for readability is pending (no coroutine, no
  // buffer); a coroutine runs only while packets are being handled.
  void WaitReadable() {
    stream_.async_wait(tcp::socket::wait_read,
                       asio::bind_executor(
                           strand(), [self = shared_from_this(), this](
                                         const boost::system::error_code& ec) { OnReadable(ec); }));
  }

  void OnReadable(const boost::system::error_code& wait_ec) {
    if (wait_ec) {
      Ended();
      return;
    }
    // Taken by the framer before anything else runs on this thread.
    thread_local std::array<std::uint8_t, 16 * 1024> buffer;
    boost::system::error_code ec;
    const std::size_t n = stream_.read_some(asio::buffer(buffer), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      WaitReadable();
      return;
    }
    if (ec) {
      Ended();
      return;
    }
    Received(std::span<const std::uint8_t>(buffer.data(), n));
    asio::co_spawn(strand(), HandleThenWait(), [self = shared_from_this()](std::exception_ptr e) {
      if (e) LogConnectionException(e);
    });
  }

  asio::awaitable<void> HandleThenWait() {
    auto self = shared_from_this();
    co_await ProcessPackets();
    WaitReadable();
  }

  tcp::socket& Socket() {
    if constexpr (kTls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }

  void StartWrite() override {
    write_in_flight_ = true;
    writing_.swap(out_);
    asio::async_write(stream_, asio::buffer(writing_),
                      asio::bind_executor(strand(), [self = shared_from_this(), this](
                                                        const boost::system::error_code& ec,
                                                        std::size_t n) { Written(ec, n); }));
  }

  void ShutdownSend() override {
    boost::system::error_code ec;
    Socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  void CloseNow() override {
    boost::system::error_code ec;
    Socket().close(ec);
  }

  Stream stream_;
};

}  // namespace custos::mqtt::server
