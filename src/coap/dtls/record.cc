#include "coap/dtls/record.h"

#include <algorithm>

namespace custos::coap::dtls::detail {
namespace {

constexpr std::uint8_t kContentHandshake = 22;
constexpr std::uint8_t kDtlsMajor = 254;  // DTLS 1.0 is {254, 255}, DTLS 1.2 {254, 253}
constexpr std::uint8_t kClientHello = 1;
constexpr std::size_t kClientVersionSize = 2;

std::uint32_t ReadU16(const std::uint8_t* p) { return (p[0] << 8) | p[1]; }
std::uint32_t ReadU24(const std::uint8_t* p) { return (p[0] << 16) | (p[1] << 8) | p[2]; }

}  // namespace

std::optional<ClientHelloRecord> FindClientHello(std::span<const std::uint8_t> datagram) {
  if (datagram.size() < kRecordHeaderSize) return std::nullopt;
  const std::uint8_t* header = datagram.data();
  if (header[0] != kContentHandshake || header[1] != kDtlsMajor) return std::nullopt;
  if (header[2] != 255 && header[2] != 253) return std::nullopt;
  if (ReadU16(header + 3) != 0) return std::nullopt;  // epoch
  const std::size_t length = ReadU16(header + 11);
  if (length > datagram.size() - kRecordHeaderSize) return std::nullopt;

  const auto fragment = datagram.subspan(kRecordHeaderSize, length);
  if (fragment.size() < kHandshakeHeaderSize + kClientVersionSize + kRandomSize) {
    return std::nullopt;
  }
  const std::uint8_t* handshake = fragment.data();
  if (handshake[0] != kClientHello) return std::nullopt;
  if (ReadU24(handshake + 6) != 0) return std::nullopt;  // fragment offset

  ClientHelloRecord hello;
  hello.record = datagram.first(kRecordHeaderSize + length);
  hello.record_sequence_low = header[10];
  const std::uint8_t* random = handshake + kHandshakeHeaderSize + kClientVersionSize;
  std::copy(random, random + kRandomSize, hello.random.begin());
  return hello;
}

bool WholeRecords(std::span<const std::uint8_t> datagram) {
  if (datagram.empty()) return false;
  while (!datagram.empty()) {
    if (datagram.size() < kRecordHeaderSize) return false;
    const std::size_t length = ReadU16(datagram.data() + 11);
    if (length > datagram.size() - kRecordHeaderSize) return false;
    datagram = datagram.subspan(kRecordHeaderSize + length);
  }
  return true;
}

}  // namespace custos::coap::dtls::detail
