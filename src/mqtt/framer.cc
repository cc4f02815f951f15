#include "mqtt/framer.h"

#include <algorithm>
#include <string>

#include "mqtt/wire.h"

namespace custos::mqtt {
namespace {

// The Protocol Level of a CONNECT whose Protocol Name is "MQTT" and whose level is 4 or 5
// (v5 §3.1.2.1, §3.1.2.2), read without decoding the rest.
std::optional<Version> PeekConnectVersion(std::span<const std::uint8_t> body) {
  static constexpr std::uint8_t kName[] = {0x00, 0x04, 'M', 'Q', 'T', 'T'};
  if (body.size() < sizeof kName + 1 ||
      !std::equal(std::begin(kName), std::end(kName), body.begin())) {
    return std::nullopt;
  }
  const std::uint8_t level = body[sizeof kName];
  if (level != 4 && level != 5) return std::nullopt;
  return static_cast<Version>(level);
}

core::Error ProtocolError(const std::string& what) {
  return wire::Refusal(ReasonCode::kProtocolError, what, 0);
}

}  // namespace

Framer Framer::ForServer(std::uint32_t max_packet_size) {
  return Framer(true, std::nullopt, max_packet_size);
}

Framer Framer::ForServerAfterConnect(Version version, std::uint32_t max_packet_size) {
  Framer framer(true, version, max_packet_size);
  framer.connect_seen_ = true;
  return framer;
}

Framer Framer::ForClient(Version version, std::uint32_t max_packet_size) {
  return Framer(false, version, max_packet_size);
}

void Framer::Fail(core::Error error) {
  error_ = std::move(error);
  partial_.clear();
  partial_.shrink_to_fit();
  header_.reset();
}

bool Framer::Admit(PacketType type) {
  const std::string name = ToString(type);
  if (server_) {
    if (!connect_seen_ && type != PacketType::kConnect) {
      Fail(ProtocolError(name + " before CONNECT"));
    } else if (connect_seen_ && type == PacketType::kConnect) {
      Fail(ProtocolError("second CONNECT"));
    } else if (!SentByClient(type)) {
      Fail(ProtocolError(name + " sent by a client"));
    }
    connect_seen_ = true;
  } else if (!SentByServer(type)) {
    Fail(ProtocolError(name + " sent by a server"));
  }
  return !error_;
}

void Framer::Complete(std::span<const std::uint8_t> packet) {
  // Before the CONNECT, only a CONNECT gets here, and it is decoded by its own level.
  auto decoded = Decode(packet, version_.value_or(Version::kV5));
  if (!decoded) {
    if (server_ && !version_) version_ = PeekConnectVersion(packet.subspan(header_->size));
    Fail(decoded.error());
    return;
  }
  if (const auto* connect = std::get_if<Connect>(&*decoded)) version_ = connect->version;
  const auto* publish = std::get_if<Publish>(&*decoded);
  if (server_ && publish != nullptr &&
      publish->properties.Has(PropertyId::kSubscriptionIdentifier)) {
    // v5 §3.3.4: Subscription Identifiers travel from server to client only.
    return Fail(wire::Refusal(ReasonCode::kProtocolError,
                              "PUBLISH from a client with a Subscription Identifier", 0));
  }
  ready_.push_back(std::move(*decoded));
}

void Framer::Feed(std::span<const std::uint8_t> bytes) {
  while (!bytes.empty() && !error_) {
    if (!header_) {
      // Header bytes accumulate in partial_ until DecodeFixedHeader can say yes or no; when
      // nothing is pending, a whole packet is decoded straight from `bytes`.
      std::size_t taken = 1;
      std::span<const std::uint8_t> head;
      if (partial_.empty()) {
        head = bytes;
        taken = bytes.size();
      } else {
        partial_.push_back(bytes[0]);
        head = partial_;
      }
      auto header = DecodeFixedHeader(head, max_packet_size_);
      if (!header) return Fail(header.error());
      // A packet's type is judged from its first byte, before its header is complete.
      if (partial_.empty() && !Admit(static_cast<PacketType>(bytes[0] >> 4))) return;
      if (!*header) {
        if (partial_.empty()) partial_.assign(bytes.begin(), bytes.end());
        bytes = bytes.subspan(taken);
        continue;
      }
      header_ = **header;
      if (partial_.empty()) {
        const std::size_t size = header_->PacketSize();
        if (bytes.size() >= size) {
          Complete(bytes.first(size));
          header_.reset();
          bytes = bytes.subspan(size);
          continue;
        }
        partial_.assign(bytes.begin(), bytes.begin() + header_->size);
        bytes = bytes.subspan(header_->size);
      } else {
        bytes = bytes.subspan(1);
      }
    }
    const std::size_t take = std::min(header_->PacketSize() - partial_.size(), bytes.size());
    partial_.insert(partial_.end(), bytes.begin(), bytes.begin() + take);
    bytes = bytes.subspan(take);
    if (partial_.size() == header_->PacketSize()) {
      Complete(partial_);
      header_.reset();
      partial_.clear();
    }
  }
}

core::Result<std::optional<Packet>> Framer::Next() {
  if (next_ < ready_.size()) {
    Packet packet = std::move(ready_[next_]);
    if (++next_ == ready_.size()) {
      ready_.clear();
      next_ = 0;
    }
    return packet;
  }
  if (error_) return tl::unexpected(*error_);
  return std::nullopt;
}

}  // namespace custos::mqtt
