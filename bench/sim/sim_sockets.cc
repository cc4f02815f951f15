#include "sim_sockets.h"

#include <arpa/inet.h>

namespace custos::sim {
namespace {

constexpr int kSocketBuffer = 8 << 20;  // the kernel caps it at net.core.[rw]mem_max

}  // namespace

SimSockets::SimSockets(const coap_bench::EndpointSpace& space, std::size_t endpoints,
                       std::unique_ptr<coap_bench::MultiSourceSockets> sockets)
    : space_(space), endpoints_(endpoints), sockets_(std::move(sockets)) {}

core::Result<std::unique_ptr<SimSockets>> SimSockets::Open(const coap_bench::EndpointSpace& space,
                                                           std::size_t endpoints) {
  if (endpoints > space.Capacity()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "more endpoints than the sockets' address space holds");
  }
  auto sockets = coap_bench::MultiSourceSockets::Open(space.sockets(), kSocketBuffer);
  if (!sockets) return tl::unexpected(sockets.error());
  return std::unique_ptr<SimSockets>(new SimSockets(space, endpoints, std::move(*sockets)));
}

void SimSockets::Send(std::uint32_t endpoint, Address to, std::span<const std::uint8_t> bytes) {
  if (endpoint >= endpoints_) {
    ++refused_;
    return;
  }
  sockaddr_in destination{};
  destination.sin_family = AF_INET;
  destination.sin_addr.s_addr = htonl(to.ip);
  destination.sin_port = htons(to.port);
  sockets_->Send(space_.SocketOf(endpoint), space_.AddressOf(endpoint), destination, bytes);
}

std::span<const Incoming> SimSockets::Receive(std::size_t index) {
  std::size_t kept = 0;
  // A batch wholly for strangers is skipped, so that empty means nothing waits.
  while (kept == 0) {
    const auto received = sockets_->Receive(index);
    if (received.empty()) return {};
    for (const auto& datagram : received) {
      const auto endpoint = space_.EndpointAt(index, datagram.destination, endpoints_);
      if (!endpoint) continue;
      incoming_[kept++] = Incoming{*endpoint, datagram.source, datagram.bytes};
    }
  }
  return std::span<const Incoming>(incoming_.data(), kept);
}

}  // namespace custos::sim
