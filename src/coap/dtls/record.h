// Just enough of the DTLS record format (RFC 6347 §4.1, §4.2.2) to decide, before any
// session exists, whether a datagram may start a handshake. Internal to coap/dtls.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace custos::coap::dtls::detail {

inline constexpr std::size_t kRecordHeaderSize = 13;
inline constexpr std::size_t kHandshakeHeaderSize = 12;
inline constexpr std::size_t kRandomSize = 32;

// The first record of a datagram that holds an epoch-0 ClientHello.
struct ClientHelloRecord {
  std::span<const std::uint8_t> record;            // header and fragment, without later records
  std::uint8_t record_sequence_low = 0;            // the last byte of the record sequence number
  std::array<std::uint8_t, kRandomSize> random{};  // ClientHello.random
};

// The datagram's first record when it is a whole, well-formed header of a handshake
// record in epoch 0 with a DTLS version, whose fragment starts a ClientHello (message
// type 1, fragment offset 0) long enough to hold client_version and random. nullopt for
// anything else, which no peer without a session may send.
std::optional<ClientHelloRecord> FindClientHello(std::span<const std::uint8_t> datagram);

// Whether `datagram` is one or more whole records and nothing else (RFC 6347 §4.1.1: a
// record never spans datagrams). GnuTLS keeps a cut record buffered and reads the next
// datagram as its continuation, so a forged fragment would cost the genuine datagram
// after it; such datagrams must never reach it.
bool WholeRecords(std::span<const std::uint8_t> datagram);

}  // namespace custos::coap::dtls::detail
