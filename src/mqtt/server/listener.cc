#include "mqtt/server/listener.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <exception>

#include "mqtt/server/stream_connection.h"

namespace custos::mqtt::server {

namespace {

tcp::endpoint PeerOf(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? tcp::endpoint() : endpoint;
}

}  // namespace

void LogConnectionException(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::error("mqtt: connection ended by an exception: {}", ex.what());
  } catch (...) {
    spdlog::error("mqtt: connection ended by an unknown exception");
  }
}

core::Result<void> Listener::Bind(const std::string& host, std::uint16_t port) {
  auto fail = [&](const char* what, const boost::system::error_code& ec) {
    return core::MakeError(
        core::ErrorCode::kUnavailable,
        fmt::format("mqtt: {} {}:{}: {}", what, host, port, ec ? ec.message() : "no address"));
  };
  boost::system::error_code ec;
  tcp::endpoint endpoint;
  auto address = asio::ip::make_address(host, ec);
  if (ec) {
    tcp::resolver resolver(ioc_);
    auto found = resolver.resolve(host, std::to_string(port), ec);
    if (ec || found.empty()) return fail("cannot resolve", ec);
    endpoint = found.begin()->endpoint();
  } else {
    endpoint = tcp::endpoint(address, port);
  }
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail("cannot open a socket for", ec);
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  acceptor_.bind(endpoint, ec);
  if (ec) return fail("cannot bind", ec);
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("cannot listen on", ec);
  port_ = acceptor_.local_endpoint(ec).port();
  return {};
}

void Listener::Start() {
  asio::co_spawn(acceptor_.get_executor(), Accept(), [](std::exception_ptr e) {
    if (e) spdlog::error("mqtt: accept loop ended by an exception");
  });
}

void Listener::Close() {
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
  });
}

asio::awaitable<void> Listener::Accept() {
  for (;;) {
    auto strand = strands_[next_strand_];
    next_strand_ = (next_strand_ + 1) % strands_.size();
    auto [ec, socket] =
        co_await acceptor_.async_accept(strand, asio::as_tuple(asio::use_awaitable));
    if (ctx_.stopping.load() || ec == asio::error::operation_aborted || !acceptor_.is_open()) {
      co_return;
    }
    if (ec) {
      // Out of descriptors, typically: back off briefly instead of spinning.
      spdlog::warn("mqtt: accept failed: {}", ec.message());
      asio::steady_timer pause(ioc_, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    Serve(std::move(socket));
  }
}

void Listener::Serve(tcp::socket socket) {
  Bump(ctx_.counters.sockets_accepted);
  const std::size_t max = ctx_.options.max_connections;
  if (max != 0 && ctx_.connections.size() >= max) {
    Bump(ctx_.counters.sockets_refused);
    boost::system::error_code ec;
    socket.close(ec);
    return;
  }
  boost::system::error_code ec;
  // A TLS handshake costs far more than a CONNECT: a storm of them is refused before it, by
  // closing the socket (no CONNACK can be sent before the handshake).
  if (tls_ != nullptr && !ctx_.admission.TryTake(SteadyClock::now())) {
    Bump(ctx_.counters.connects_rate_limited);
    socket.close(ec);
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  const tcp::endpoint peer = PeerOf(socket);
  Bump(ctx_.counters.connections_open);
  if (tls_ != nullptr) {
    auto conn = std::make_shared<StreamConnection<TlsStream>>(
        ctx_, TlsStream(std::move(socket), *tls_), peer);
    conn->SetAdmitted();
    ctx_.connections.Add(conn);
    conn->Start();
  } else {
    auto conn = std::make_shared<StreamConnection<tcp::socket>>(ctx_, std::move(socket), peer);
    ctx_.connections.Add(conn);
    conn->Start();
  }
}

}  // namespace custos::mqtt::server
