// Endpoint::Start and the endpoint that owns the I/O threads: binding, steering, handing
// each request to the thread of its peer, stopping and the summed counters.
#include "coap/transport/endpoint.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <utility>
#include <vector>

#include "coap/transport/counters.h"
#include "coap/transport/listen_address.h"
#include "coap/transport/peer_address.h"
#include "coap/transport/steering.h"
#include "coap/transport/worker.h"

namespace custos::coap {
namespace {

using transport::Worker;

constexpr std::size_t kMaxThreads = 256;
// The smallest datagram limit that still holds a header, a token and some options; the
// largest UDP payload over IPv4.
constexpr std::size_t kMinDatagram = 64;
constexpr std::size_t kMaxDatagram = 65507;

core::Result<void> CheckOptions(const EndpointOptions& options) {
  const auto invalid = [](std::string why) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, std::move(why));
  };
  if (options.threads < 1 || options.threads > kMaxThreads) {
    return invalid("threads must be 1 to " + std::to_string(kMaxThreads));
  }
  if (options.max_datagram < kMinDatagram || options.max_datagram > kMaxDatagram) {
    return invalid("max_datagram must be " + std::to_string(kMinDatagram) + " to " +
                   std::to_string(kMaxDatagram));
  }
  if (options.max_peers < 1) return invalid("max_peers must be at least 1");
  // Our datagrams must fit in what we read ourselves, so a peer with our settings can too.
  if (options.dtls && options.dtls->mtu > options.max_datagram) {
    return invalid("dtls.mtu must not exceed max_datagram");
  }
  return {};
}

// SO_REUSEPORT would let our sockets join a group another process (of the same user)
// already listens with, splitting the traffic silently; a socket without it finds out.
core::Result<void> CheckPortFree(const Peer& address) {
  if (address.port == 0) return {};
  const int family = transport::FamilyOf(address);
  const int fd = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {};  // Bind reports it
  sockaddr_storage storage{};
  const socklen_t length = transport::ToSockaddr(address, family, storage);
  const bool taken =
      ::bind(fd, reinterpret_cast<const sockaddr*>(&storage), length) != 0 && errno == EADDRINUSE;
  ::close(fd);
  if (taken) {
    return core::MakeError(
        core::ErrorCode::kUnavailable,
        "cannot bind " + transport::FormatHostPort(address) + ": " + std::strerror(EADDRINUSE));
  }
  return {};
}

// A port no socket holds, for an endpoint of several sockets asked for port 0. Letting the
// first SO_REUSEPORT socket pick one is not safe: Linux may give it a port another
// SO_REUSEPORT socket of the same user already holds (another endpoint in this process,
// say), and the two then share its datagrams. A socket without the option gets a port of
// its own; it is closed at once and the endpoint's sockets bind to that port.
core::Result<std::uint16_t> PickFreePort(const Peer& address) {
  const int family = transport::FamilyOf(address);
  const int fd = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           std::string("socket: ") + std::strerror(errno));
  }
  sockaddr_storage storage{};
  socklen_t length = transport::ToSockaddr(address, family, storage);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&storage), length) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
    const int error = errno;
    ::close(fd);
    return core::MakeError(core::ErrorCode::kUnavailable,
                           "cannot bind " + transport::FormatHostPort(address) + ": " +
                               std::strerror(error));
  }
  ::close(fd);
  auto bound = transport::PeerFromSockaddr(storage);
  if (!bound) return core::MakeError(core::ErrorCode::kUnavailable, "getsockname");
  return bound->port;
}

class UdpEndpoint final : public Endpoint {
 public:
  UdpEndpoint(std::vector<std::shared_ptr<Worker>> workers, Peer address)
      : workers_(std::move(workers)), address_(address) {
    for (auto& worker : workers_) {
      threads_.emplace_back([worker] { worker->Run(); });
    }
  }
  ~UdpEndpoint() override { Stop(); }

  void Stop() override {
    std::lock_guard stopping(stop_mutex_);
    {
      std::unique_lock lock(mutex_);
      if (stopped_) return;
      stopped_ = true;
    }
    for (auto& worker : workers_) worker->PostShutdown();
    for (auto& thread : threads_) {
      if (thread.get_id() == std::this_thread::get_id()) {
        // Stop from a callback cannot wait for its own thread; it ends once the callback
        // returns.
        spdlog::error("coap: Endpoint::Stop called on an I/O thread; not waiting for it");
        thread.detach();
      } else if (thread.joinable()) {
        thread.join();
      }
    }
  }

  std::uint16_t port() const override { return address_.port; }
  std::string local_address() const override { return transport::FormatHostPort(address_); }

  void Request(const Peer& peer, Message request, RequestOptions options,
               ResponseCallback done) override {
    std::shared_lock lock(mutex_);
    if (stopped_) {
      lock.unlock();
      transport::Deliver(
          done, core::MakeError(core::ErrorCode::kUnavailable, "the CoAP endpoint stopped"));
      return;
    }
    WorkerFor(peer).PostRequest(
        transport::OutgoingRequest{peer, std::move(request), std::move(options), std::move(done)});
  }

  ObservationId Observe(const Peer& peer, Message request, NotificationCallback notify) override {
    const ObservationId id = next_observation_.fetch_add(1);
    std::shared_lock lock(mutex_);
    if (stopped_) {
      lock.unlock();
      transport::Deliver(
          notify, core::MakeError(core::ErrorCode::kUnavailable, "the CoAP endpoint stopped"));
      return id;
    }
    WorkerFor(peer).PostObserve(id, peer, std::move(request), std::move(notify));
    return id;
  }

  ObservationId Adopt(const Peer& peer, Message registration,
                      NotificationCallback notify) override {
    const ObservationId id = next_observation_.fetch_add(1);
    std::shared_lock lock(mutex_);
    if (stopped_) {
      lock.unlock();
      transport::Deliver(
          notify, core::MakeError(core::ErrorCode::kUnavailable, "the CoAP endpoint stopped"));
      return id;
    }
    WorkerFor(peer).PostAdopt(id, peer, std::move(registration), std::move(notify));
    return id;
  }

  void CancelObservation(ObservationId id, bool active) override {
    std::shared_lock lock(mutex_);
    if (stopped_) return;
    // Only the thread of the observation's peer knows it; the others ignore the id.
    for (auto& worker : workers_) worker->PostCancelObservation(id, active);
  }

  void CloseSessions(std::string_view identity) override {
    std::shared_lock lock(mutex_);
    if (stopped_) return;
    for (auto& worker : workers_) worker->PostCloseSessions(std::string(identity));
  }

  EndpointStats stats() const override {
    EndpointStats stats;
    for (const auto& worker : workers_) transport::AddTo(worker->counters(), stats);
    return stats;
  }

 private:
  Worker& WorkerFor(const Peer& peer) {
    return *workers_[transport::SteeringIndex(peer, workers_.size())];
  }

  std::vector<std::shared_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  Peer address_;
  std::mutex stop_mutex_;
  // Shared by Request, which posts to a worker; exclusive when Stop begins, so that nothing
  // is posted after the workers' shutdown.
  std::shared_mutex mutex_;
  bool stopped_ = false;
  std::atomic<ObservationId> next_observation_{1};
};

}  // namespace

core::Result<std::unique_ptr<Endpoint>> Endpoint::Start(EndpointOptions options,
                                                        RequestHandler handler) {
  if (auto checked = CheckOptions(options); !checked) return tl::unexpected(checked.error());
  auto address = transport::ParseListenAddress(options.listen);
  if (!address) return tl::unexpected(address.error());
  if (!handler) {
    handler = [](IncomingRequest, Responder responder) {
      Message response;
      response.code = codes::kNotFound;
      responder.Respond(std::move(response));
    };
  }

  if (auto free = CheckPortFree(*address); !free) return tl::unexpected(free.error());

  const std::size_t threads = options.threads;
  const bool shared = threads > 1;
  if (shared && address->port == 0) {
    auto port = PickFreePort(*address);
    if (!port) return tl::unexpected(port.error());
    address->port = *port;
  }
  auto shared_handler = std::make_shared<const RequestHandler>(std::move(handler));
  std::vector<std::shared_ptr<Worker>> workers;
  for (std::size_t i = 0; i < threads; ++i) {
    transport::WorkerConfig config{options, i, (options.max_peers + threads - 1) / threads,
                                   shared_handler};
    auto worker = std::make_shared<Worker>(std::move(config));
    if (options.dtls) {
      if (auto opened = worker->OpenDtls(); !opened) return tl::unexpected(opened.error());
    }
    // One socket takes its port (0: the system picks it); several join the one picked.
    auto port = worker->Bind(*address, shared);
    if (!port) return tl::unexpected(port.error());
    address->port = *port;
    workers.push_back(std::move(worker));
  }
  if (threads > 1) {
    if (auto attached = transport::AttachSteering(workers.front()->native_handle(), threads);
        !attached) {
      spdlog::warn("coap: cannot steer peers to threads ({}); serving {} with one thread",
                   attached.error().message, transport::FormatHostPort(*address));
      workers.resize(1);
    }
  }
  spdlog::info("coap: listening on {} ({}) with {} thread(s)", transport::FormatHostPort(*address),
               options.dtls ? "DTLS" : "UDP", workers.size());
  return std::make_unique<UdpEndpoint>(std::move(workers), *address);
}

}  // namespace custos::coap
