// Server: the io_context and its threads, the worker pool, the listeners, the sweep timer,
// the event watch, and an orderly Stop().
#include "mqtt/server/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <thread>

#include "mqtt/server/connection.h"
#include "mqtt/server/event_watch.h"
#include "mqtt/server/listener.h"
#include "mqtt/server/tls.h"

namespace custos::mqtt::server {

namespace {

constexpr std::size_t kDeviceStrands = 64;

std::vector<WorkerStrand> MakeStrands(asio::thread_pool& pool) {
  std::vector<WorkerStrand> strands;
  strands.reserve(kDeviceStrands);
  for (std::size_t i = 0; i < kDeviceStrands; ++i) strands.push_back(asio::make_strand(pool));
  return strands;
}

}  // namespace

class Server::Impl {
 public:
  Impl(const ServerOptions& options, Services services, DeviceHandler* handler)
      : options_(options),
        authenticator_(services.store, services.registry, services.tokens,
                       options.operator_username),
        admission_(options.max_connect_rate, options.connect_burst),
        ioc_(std::max(1, options.io_threads)),
        work_(asio::make_work_guard(ioc_)),
        workers_(static_cast<std::size_t>(std::max(1, options.worker_threads))),
        strands_(MakeStrands(workers_)),
        ctx_{options_,   services, handler,  counters_,    sessions_,      authenticator_,
             admission_, workers_, strands_, connections_, stopping_, handler_calls_},
        sweep_(ioc_),
        events_(ctx_) {}

  ~Impl() { Stop(); }

  core::Result<void> Listen() {
    if (options_.plain_enabled) {
      plain_ = std::make_unique<Listener>(ioc_, ctx_, nullptr);
      if (auto ok = plain_->Bind(options_.host, options_.port); !ok) return ok;
    }
    if (options_.tls.enabled) {
      auto context = MakeTlsContext(options_.tls);
      if (!context) return tl::unexpected(context.error());
      tls_context_ = std::move(*context);
      tls_ = std::make_unique<Listener>(ioc_, ctx_, tls_context_.get());
      if (auto ok = tls_->Bind(options_.tls.host, options_.tls.port); !ok) return ok;
    }
    return {};
  }

  void Run() {
    if (plain_) plain_->Start();
    if (tls_) tls_->Start();
    asio::co_spawn(sweep_.get_executor(), Sweep(), [](std::exception_ptr e) {
      if (e) spdlog::error("mqtt: sweep ended by an exception");
    });
    events_.Start();
    for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
      threads_.emplace_back([this] { ioc_.run(); });
    }
    if (plain_) spdlog::info("mqtt: listening on {}:{}", options_.host, plain_->port());
    if (tls_) spdlog::info("mqtt: TLS listening on {}:{}", options_.tls.host, tls_->port());
  }

  void Stop() {
    if (stopped_.exchange(true)) return;
    stopping_ = true;
    events_.Stop();
    if (plain_) plain_->Close();
    if (tls_) tls_->Close();
    connections_.ForEach([](const auto& c) { c->Kick(ReasonCode::kServerShuttingDown); });
    if (!connections_.WaitEmpty(std::chrono::milliseconds(options_.shutdown_grace_ms))) {
      spdlog::warn("mqtt: connections still open after {} ms; closing them",
                   options_.shutdown_grace_ms);
    }
    // Answers still on their way (a commit in progress) come back to connections and the
    // io_context: wait for them while both are here.
    if (!handler_calls_.WaitZero(std::chrono::milliseconds(options_.shutdown_grace_ms))) {
      spdlog::warn("mqtt: device messages still unanswered after {} ms",
                   options_.shutdown_grace_ms);
    }
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    connections_.Clear();
    workers_.join();
    spdlog::info("mqtt: stopped");
  }

  std::uint16_t port() const { return plain_ ? plain_->port() : 0; }
  std::uint16_t tls_port() const { return tls_ ? tls_->port() : 0; }

  core::Result<PublishOutcome> Publish(core::DeviceId device, Message message) {
    if (const char* problem = TopicNameProblem(message.topic)) {
      return core::MakeError(core::ErrorCode::kInvalidArgument,
                             std::string("mqtt: topic: ") + problem);
    }
    if (message.qos == QoS::kExactlyOnce) {
      return core::MakeError(core::ErrorCode::kInvalidArgument, "mqtt: QoS 2 is not supported");
    }
    auto session = sessions_.FindDevice(device);
    if (!session) {
      return core::MakeError(core::ErrorCode::kNotFound,
                             fmt::format("mqtt: device {} has no session", device));
    }
    // Aliases and subscription identifiers belong to one connection, not to the message.
    message.properties = EndToEndProperties(message.properties);
    auto shared = std::make_shared<const Message>(std::move(message));
    return Deliver(ctx_, *session, std::move(shared));
  }

  bool Disconnect(core::DeviceId device, ReasonCode reason) {
    auto session = sessions_.FindDevice(device);
    if (!session) return false;
    std::shared_ptr<Connection> connection;
    {
      std::lock_guard lock(session->mu);
      connection = session->connection.lock();
    }
    if (!connection) return false;
    connection->Kick(reason);
    return true;
  }

  Stats stats() const {
    Stats s = counters_.Snapshot();
    s.sessions = sessions_.size();
    return s;
  }

 private:
  asio::awaitable<void> Sweep() {
    for (;;) {
      sweep_.expires_after(std::chrono::milliseconds(std::max(10, options_.sweep_interval_ms)));
      auto [ec] = co_await sweep_.async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      // Also while stopping: connections that linger after their DISCONNECT get closed.
      const auto now = SteadyClock::now();
      connections_.ForEach([now](const auto& c) { c->CheckDeadlines(now); });
      if (stopping_.load()) continue;
      for (auto& [principal, will] : sessions_.Sweep(ctx_.services.clock.Now())) {
        PostWill(ctx_, principal, std::move(will));
      }
    }
  }

  ServerOptions options_;
  Counters counters_;
  SessionRegistry sessions_;
  Authenticator authenticator_;
  TokenBucket admission_;
  ConnectionSet connections_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stopped_{false};
  CallCount handler_calls_;
  // Destroyed in reverse: the pool, listeners and timers go before the io_context they use.
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::thread_pool workers_;
  std::vector<WorkerStrand> strands_;
  ServerContext ctx_;
  asio::steady_timer sweep_;
  std::unique_ptr<asio::ssl::context> tls_context_;
  std::unique_ptr<Listener> plain_;
  std::unique_ptr<Listener> tls_;
  EventWatch events_;
  std::vector<std::thread> threads_;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  if (impl_) impl_->Stop();
}

core::Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, Services services,
                                                    DeviceHandler* handler) {
  std::unique_ptr<Impl> impl;
  try {
    impl = std::make_unique<Impl>(options, services, handler);
    if (auto ok = impl->Listen(); !ok) return tl::unexpected(ok.error());
    impl->Run();
  } catch (const std::exception& e) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           std::string("mqtt: cannot start: ") + e.what());
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::uint16_t Server::port() const { return impl_->port(); }
std::uint16_t Server::tls_port() const { return impl_->tls_port(); }

core::Result<PublishOutcome> Server::Publish(core::DeviceId device, Message message) {
  return impl_->Publish(device, std::move(message));
}

bool Server::Disconnect(core::DeviceId device, ReasonCode reason) {
  return impl_->Disconnect(device, reason);
}

Stats Server::stats() const { return impl_->stats(); }

void Server::Stop() { impl_->Stop(); }

}  // namespace custos::mqtt::server
