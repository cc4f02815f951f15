#include "endpoint_sockets.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

#include "wire.h"

namespace custos::coap_bench {
namespace {

constexpr int kSocketBuffer = 4 << 20;  // the kernel caps it at net.core.[rw]mem_max

}  // namespace

EndpointSockets::EndpointSockets(const EndpointSpace& space, const sockaddr_in& server,
                                 Scenario scenario, std::unique_ptr<MultiSourceSockets> sockets)
    : space_(space),
      server_(server),
      server_address_{ntohl(server.sin_addr.s_addr), ntohs(server.sin_port)},
      scenario_(scenario),
      sockets_(std::move(sockets)) {}

core::Result<std::unique_ptr<EndpointSockets>> EndpointSockets::Open(const EndpointSpace& space,
                                                                     const sockaddr_in& server,
                                                                     Scenario scenario) {
  auto sockets = MultiSourceSockets::Open(space.sockets(), kSocketBuffer);
  if (!sockets) return tl::unexpected(sockets.error());
  return std::unique_ptr<EndpointSockets>(
      new EndpointSockets(space, server, scenario, std::move(*sockets)));
}

void EndpointSockets::Queue(const Send& send) {
  std::array<std::uint8_t, kMaxRequestSize> data{};
  std::size_t size = 0;
  if (send.ack) {
    // The empty ACK (RFC 7252 §4.2) of the server's separate response.
    const std::array<std::uint8_t, 4> ack = {0x60, 0x00,
                                             static_cast<std::uint8_t>(send.message_id >> 8),
                                             static_cast<std::uint8_t>(send.message_id)};
    std::copy(ack.begin(), ack.end(), data.begin());
    size = ack.size();
  } else {
    size = EncodeRequest(scenario_, send.endpoint, send.message_id, data);
  }
  sockets_->Send(space_.SocketOf(send.endpoint), space_.AddressOf(send.endpoint), server_,
                 std::span<const std::uint8_t>(data.data(), size));
}

std::span<const Datagram> EndpointSockets::Receive(std::size_t index) {
  const auto received = sockets_->Receive(index);
  for (std::size_t i = 0; i < received.size(); ++i) {
    datagrams_[i] =
        Datagram{received[i].destination, received[i].bytes, received[i].source == server_address_};
  }
  return std::span<const Datagram>(datagrams_.data(), received.size());
}

}  // namespace custos::coap_bench
