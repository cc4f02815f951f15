// The basic vocabulary of MQTT 3.1.1 and 5.0: protocol versions, control packet types
// (v5 §2.1.2, v3.1.1 §2.2.1), QoS levels and the size limits of the wire format.
#pragma once

#include <cstdint>

namespace custos::mqtt {

// The Protocol Level byte of CONNECT (v5 §3.1.2.2, v3.1.1 §3.1.2.2). It fixes the layout of
// every later packet of the connection.
enum class Version : std::uint8_t {
  kV311 = 4,
  kV5 = 5,
};

// "3.1.1" or "5.0".
const char* ToString(Version version);

// The four high bits of the first byte. 0 is reserved in both versions; 15 (AUTH) is
// reserved in 3.1.1.
enum class PacketType : std::uint8_t {
  kConnect = 1,
  kConnack = 2,
  kPublish = 3,
  kPuback = 4,
  kPubrec = 5,
  kPubrel = 6,
  kPubcomp = 7,
  kSubscribe = 8,
  kSuback = 9,
  kUnsubscribe = 10,
  kUnsuback = 11,
  kPingreq = 12,
  kPingresp = 13,
  kDisconnect = 14,
  kAuth = 15,
};

// The name the specifications use, e.g. "PUBLISH".
const char* ToString(PacketType type);

// Whether the direction table of v5 §2.1.2 lets a client send packets of `type` to a server
// (SentByClient) or a server send them to a client (SentByServer). DISCONNECT counts as
// both in 3.1.1 too, although only the client sends it there.
bool SentByClient(PacketType type);
bool SentByServer(PacketType type);

enum class QoS : std::uint8_t {
  kAtMostOnce = 0,
  kAtLeastOnce = 1,
  kExactlyOnce = 2,
};

// v5 §1.5.5: the largest value a Variable Byte Integer of 4 bytes holds.
inline constexpr std::uint32_t kMaxVariableByteInteger = 268'435'455;
// The largest packet the wire format can carry: one type byte, four bytes of Remaining
// Length and the largest Remaining Length (v5 §2.1.4).
inline constexpr std::uint32_t kMaxPacketSize = 1 + 4 + kMaxVariableByteInteger;
// The longest UTF-8 string, binary field or payload length prefix (v5 §1.5.4, §1.5.6).
inline constexpr std::uint32_t kMaxStringLength = 65'535;

}  // namespace custos::mqtt
