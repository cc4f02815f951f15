// HttpServer: the listening socket, the io_context threads, the worker pool, and an orderly
// Stop(). One strand per connection; handlers that touch the store run on the worker pool.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/strand.hpp>
#include <exception>
#include <thread>

#include "api/connection.h"

namespace custos::api {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class HttpServer::Impl {
 public:
  Impl(const HttpOptions& options, Services services)
      : options_(options),
        services_(services),
        api_(services),
        http_metrics_(services.metrics),
        ioc_(std::max(1, options.io_threads)),
        work_(asio::make_work_guard(ioc_)),
        workers_(static_cast<std::size_t>(std::max(1, options.worker_threads))),
        acceptor_(asio::make_strand(ioc_)),
        state_{options_, api_, http_metrics_, workers_, tracker_, stopping_} {}

  ~Impl() { Stop(); }

  core::Result<void> Listen() {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(options_.host, ec);
    tcp::endpoint endpoint;
    if (ec) {
      tcp::resolver resolver(ioc_);
      auto found = resolver.resolve(options_.host, std::to_string(options_.port), ec);
      if (ec || found.empty()) return Fail("cannot resolve host", ec);
      endpoint = found.begin()->endpoint();
    } else {
      endpoint = tcp::endpoint(address, options_.port);
    }
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) return Fail("cannot open socket", ec);
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    acceptor_.bind(endpoint, ec);
    if (ec) return Fail("cannot bind", ec);
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Fail("cannot listen", ec);
    port_ = acceptor_.local_endpoint(ec).port();
    return {};
  }

  void Run() {
    gauge_names_ = RegisterServiceMetrics(services_);
    asio::co_spawn(acceptor_.get_executor(), Accept(), [](std::exception_ptr e) {
      if (e) spdlog::error("http: accept loop ended by an exception");
    });
    for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
      threads_.emplace_back([this] { ioc_.run(); });
    }
    spdlog::info("http: listening on {}:{}", options_.host, port_);
  }

  std::uint16_t port() const { return port_; }

  void Stop() {
    if (stopped_.exchange(true)) return;
    stopping_ = true;
    asio::post(acceptor_.get_executor(), [this] {
      boost::system::error_code ec;
      acceptor_.close(ec);
    });
    tracker_.ShutdownAll();
    if (!tracker_.WaitEmpty(std::chrono::milliseconds(options_.shutdown_grace_ms))) {
      spdlog::warn("http: requests still running after {} ms; closing them",
                   options_.shutdown_grace_ms);
    }
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    // Connections own timers of the io_context: let them go while it still exists.
    tracker_.Clear();
    // Handlers still on the pool finish here; their results land in the stopped io_context
    // and are destroyed with it.
    workers_.join();
    UnregisterServiceMetrics(services_.metrics, gauge_names_);
    spdlog::info("http: stopped");
  }

 private:
  core::Result<void> Fail(const char* what, const boost::system::error_code& ec) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           fmt::format("http: {} {}:{}: {}", what, options_.host, options_.port,
                                       ec ? ec.message() : "no address"));
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      auto strand = asio::make_strand(ioc_);
      auto [ec, socket] =
          co_await acceptor_.async_accept(strand, asio::as_tuple(asio::use_awaitable));
      if (stopping_.load() || ec == asio::error::operation_aborted || !acceptor_.is_open()) {
        co_return;
      }
      if (ec) {
        // Out of descriptors, typically: back off briefly instead of spinning.
        spdlog::warn("http: accept failed: {}", ec.message());
        asio::steady_timer pause(ioc_, std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      auto conn = std::make_shared<net::Connection>(strand);
      if (!tracker_.Add(conn)) co_return;
      asio::co_spawn(strand, net::RunConnection(conn, std::move(socket), state_),
                     [this, conn](std::exception_ptr e) {
                       if (e) {
                         try {
                           std::rethrow_exception(e);
                         } catch (const std::exception& ex) {
                           spdlog::error("http: connection ended by an exception: {}", ex.what());
                         } catch (...) {
                           spdlog::error("http: connection ended by an unknown exception");
                         }
                       }
                       tracker_.Remove(conn);
                     });
    }
  }

  HttpOptions options_;
  Services services_;
  RestApi api_;
  HttpMetrics http_metrics_;
  std::vector<std::string> gauge_names_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stopped_{false};
  std::uint16_t port_ = 0;
  net::ConnectionTracker tracker_;
  // Destroyed in reverse: the pool and the acceptor go before the io_context they use.
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::thread_pool workers_;
  tcp::acceptor acceptor_;
  net::ServerState state_;
  std::vector<std::thread> threads_;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  if (impl_) impl_->Stop();
}

core::Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpOptions& options,
                                                            Services services) {
  std::unique_ptr<Impl> impl;
  try {
    impl = std::make_unique<Impl>(options, services);
    if (auto ok = impl->Listen(); !ok) return tl::unexpected(ok.error());
    impl->Run();
  } catch (const std::exception& e) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           std::string("http: cannot start: ") + e.what());
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

std::uint16_t HttpServer::port() const { return impl_->port(); }

void HttpServer::Stop() { impl_->Stop(); }

}  // namespace custos::api
