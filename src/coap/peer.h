// The remote end of a CoAP exchange: an IPv4 or IPv6 address and a UDP port. A plain value
// type (comparable, hashable) so the reliability state can key on it without sockets.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace custos::coap {

struct Peer {
  // IPv4 addresses use the first 4 bytes; the rest stay zero so equality is byte-wise.
  std::array<std::uint8_t, 16> address{};
  std::uint8_t address_size = 4;  // 4 or 16
  std::uint16_t port = 0;

  static Peer V4(std::array<std::uint8_t, 4> bytes, std::uint16_t port);
  static Peer V6(const std::array<std::uint8_t, 16>& bytes, std::uint16_t port);

  auto operator<=>(const Peer&) const = default;
  bool operator==(const Peer&) const = default;
};

// "192.0.2.1:5683" or "[2001:db8::1]:5683" (IPv6 written in full hex groups, no
// compression), for logs.
std::string ToString(const Peer& peer);

// A message id as seen from one peer: the key of both the retransmission queue and the
// deduplicator (RFC 7252 §4.4: ids are matched per endpoint).
struct ExchangeKey {
  Peer peer;
  std::uint16_t message_id = 0;

  auto operator<=>(const ExchangeKey&) const = default;
  bool operator==(const ExchangeKey&) const = default;
};

}  // namespace custos::coap

template <>
struct std::hash<custos::coap::Peer> {
  std::size_t operator()(const custos::coap::Peer& peer) const noexcept;
};

template <>
struct std::hash<custos::coap::ExchangeKey> {
  std::size_t operator()(const custos::coap::ExchangeKey& key) const noexcept;
};
