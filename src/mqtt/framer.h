// The stream framer of one connection: bytes in as TCP delivers them, whole decoded packets
// out, in order. Partial packets wait for more bytes; a packet is refused from its Fixed
// Header alone when that header is invalid or announces more than the maximum packet size,
// before its body is kept; a refusal is final.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/error.h"
#include "mqtt/codec.h"
#include "mqtt/fixed_header.h"
#include "mqtt/packet.h"

namespace custos::mqtt {

// The packet size a Framer accepts unless told otherwise: ample for device traffic, and a
// bound on what one connection can make the server hold.
inline constexpr std::uint32_t kDefaultMaxPacketSize = 1u << 20;

class Framer {
 public:
  // The server's side of a connection. The first packet must be a CONNECT, whose Protocol
  // Level fixes the version for every later packet; a packet of another type first, a second
  // CONNECT, a packet only servers send, or a PUBLISH with a Subscription Identifier is a
  // Protocol Error (v5 §3.1, §2.1.2, §3.3.4).
  static Framer ForServer(std::uint32_t max_packet_size = kDefaultMaxPacketSize);
  // The server's side of a connection whose CONNECT of `version` was already taken (by
  // another Framer): what follows is decoded as the packets after a CONNECT. Lets a server
  // drop an idle connection's framer and make a new one when bytes arrive.
  static Framer ForServerAfterConnect(Version version,
                                      std::uint32_t max_packet_size = kDefaultMaxPacketSize);
  // The client's side of a connection that sent a CONNECT of `version`. A packet only
  // clients send is a Protocol Error.
  static Framer ForClient(Version version, std::uint32_t max_packet_size = kDefaultMaxPacketSize);

  // Takes the next bytes of the stream, decoding each packet when its last byte arrives.
  // Nothing is kept after a refusal.
  void Feed(std::span<const std::uint8_t> bytes);

  // The next packet; nullopt if the bytes fed so far complete no further packet; the refusal
  // (see Decode, DecodeFixedHeader and the rules above) once every packet before it has been
  // taken. A refusal is final: every later call returns it again. The connection is then
  // closed with ReasonFor(error), in a CONNACK if no CONNECT was accepted yet.
  core::Result<std::optional<Packet>> Next();

  // The connection's version: given for a client; for a server, known from the CONNECT's
  // Protocol Name and Level even when the rest of that CONNECT is refused, so that the refusal
  // can be answered in the client's version; nullopt before, or when the level is not 4 or 5
  // (MQTT 3.1.1 §3.1.2.2 answers that with the 3.1.1 CONNACK return code 1).
  std::optional<Version> version() const { return version_; }
  bool failed() const { return error_.has_value(); }
  // Bytes of the packet in progress held so far.
  std::size_t buffered() const { return partial_.size(); }

 private:
  Framer(bool server, std::optional<Version> version, std::uint32_t max_packet_size)
      : server_(server), version_(version), max_packet_size_(max_packet_size) {}

  // Applies the rules above to the type of the next packet; false (and failed) if it
  // breaks one.
  bool Admit(PacketType type);
  // Decodes one whole packet.
  void Complete(std::span<const std::uint8_t> packet);
  void Fail(core::Error error);

  bool server_;
  std::optional<Version> version_;
  std::uint32_t max_packet_size_;
  bool connect_seen_ = false;
  Bytes partial_;                      // the packet in progress, from its first byte
  std::optional<FixedHeader> header_;  // its header, once complete
  // Decoded packets not taken yet, from ready_[next_]; a vector (no allocation while empty,
  // unlike a deque), emptied when drained.
  std::vector<Packet> ready_;
  std::size_t next_ = 0;
  std::optional<core::Error> error_;
};

}  // namespace custos::mqtt
