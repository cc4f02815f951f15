// The MQTT control packets as values (v5 §3, v3.1.1 §3). One set of structs serves both
// versions: fields that MQTT 3.1.1 lacks (properties, most reason codes, subscription options
// other than QoS) keep their defaults there, and Validate refuses them otherwise.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mqtt/properties.h"
#include "mqtt/protocol.h"
#include "mqtt/reason_code.h"

namespace custos::mqtt {

using Bytes = std::vector<std::uint8_t>;

// The Will Message of CONNECT (v5 §3.1.2.5 - §3.1.2.7, §3.1.3.2 - §3.1.3.4).
struct Will {
  std::string topic;
  Bytes payload;
  QoS qos = QoS::kAtMostOnce;
  bool retain = false;
  Properties properties;  // v5 Will Properties

  bool operator==(const Will&) const = default;
};

// v5 §3.1. A CONNECT is decoded by its own Protocol Level, which it records in `version`.
struct Connect {
  static constexpr PacketType kType = PacketType::kConnect;
  Version version = Version::kV5;
  bool clean_start = true;  // 3.1.1: Clean Session
  std::uint16_t keep_alive = 0;
  std::string client_id;
  std::optional<Will> will;
  std::optional<std::string> username;
  std::optional<Bytes> password;
  Properties properties;

  bool operator==(const Connect&) const = default;
};

// v5 §3.2. In 3.1.1 the return code travels as the v5 reason code of the same meaning
// (see ToConnectReturnCode and FromConnectReturnCode).
struct Connack {
  static constexpr PacketType kType = PacketType::kConnack;
  bool session_present = false;
  ReasonCode reason_code = ReasonCode::kSuccess;
  Properties properties;

  bool operator==(const Connack&) const = default;
};

// v5 §3.3. `packet_id` is 0 exactly when `qos` is 0 (it is not sent then). A v5 PUBLISH may
// have an empty topic when it carries a Topic Alias.
struct Publish {
  static constexpr PacketType kType = PacketType::kPublish;
  bool dup = false;
  QoS qos = QoS::kAtMostOnce;
  bool retain = false;
  std::string topic;
  std::uint16_t packet_id = 0;
  Properties properties;
  Bytes payload;

  bool operator==(const Publish&) const = default;
};

// PUBACK, PUBREC, PUBREL and PUBCOMP (v5 §3.4 - §3.7) share one layout. In 3.1.1 the reason
// code is always Success and there are no properties.
template <PacketType T>
struct PublishResponse {
  static constexpr PacketType kType = T;
  std::uint16_t packet_id = 0;
  ReasonCode reason_code = ReasonCode::kSuccess;
  Properties properties;

  bool operator==(const PublishResponse&) const = default;
};

using Puback = PublishResponse<PacketType::kPuback>;
using Pubrec = PublishResponse<PacketType::kPubrec>;
using Pubrel = PublishResponse<PacketType::kPubrel>;
using Pubcomp = PublishResponse<PacketType::kPubcomp>;

// v5 §3.8.3.1: what to do with retained messages when the subscription is made.
enum class RetainHandling : std::uint8_t {
  kSendOnSubscribe = 0,
  kSendOnNewSubscribe = 1,
  kDoNotSend = 2,
};

// One Topic Filter of SUBSCRIBE and its Subscription Options (v5 §3.8.3.1). 3.1.1 has only
// the QoS ("Requested QoS"); the other options keep their defaults there.
struct Subscription {
  std::string filter;
  QoS max_qos = QoS::kAtMostOnce;
  bool no_local = false;
  bool retain_as_published = false;
  RetainHandling retain_handling = RetainHandling::kSendOnSubscribe;

  bool operator==(const Subscription&) const = default;
};

// v5 §3.8: at least one subscription.
struct Subscribe {
  static constexpr PacketType kType = PacketType::kSubscribe;
  std::uint16_t packet_id = 0;
  std::vector<Subscription> subscriptions;
  Properties properties;

  bool operator==(const Subscribe&) const = default;
};

// v5 §3.9: one reason code per subscription, in order. In 3.1.1 only Granted QoS 0, 1, 2
// and Unspecified error (0x80, "Failure") exist.
struct Suback {
  static constexpr PacketType kType = PacketType::kSuback;
  std::uint16_t packet_id = 0;
  std::vector<ReasonCode> reason_codes;
  Properties properties;

  bool operator==(const Suback&) const = default;
};

// v5 §3.10: at least one filter.
struct Unsubscribe {
  static constexpr PacketType kType = PacketType::kUnsubscribe;
  std::uint16_t packet_id = 0;
  std::vector<std::string> filters;
  Properties properties;

  bool operator==(const Unsubscribe&) const = default;
};

// v5 §3.11: one reason code per filter. A 3.1.1 UNSUBACK has none.
struct Unsuback {
  static constexpr PacketType kType = PacketType::kUnsuback;
  std::uint16_t packet_id = 0;
  std::vector<ReasonCode> reason_codes;
  Properties properties;

  bool operator==(const Unsuback&) const = default;
};

// v5 §3.12, §3.13.
struct Pingreq {
  static constexpr PacketType kType = PacketType::kPingreq;
  bool operator==(const Pingreq&) const = default;
};
struct Pingresp {
  static constexpr PacketType kType = PacketType::kPingresp;
  bool operator==(const Pingresp&) const = default;
};

// v5 §3.14. A 3.1.1 DISCONNECT has no reason code (Normal disconnection) and no properties.
struct Disconnect {
  static constexpr PacketType kType = PacketType::kDisconnect;
  ReasonCode reason_code = ReasonCode::kNormalDisconnection;
  Properties properties;

  bool operator==(const Disconnect&) const = default;
};

// v5 §3.15; MQTT 5.0 only.
struct Auth {
  static constexpr PacketType kType = PacketType::kAuth;
  ReasonCode reason_code = ReasonCode::kSuccess;
  Properties properties;

  bool operator==(const Auth&) const = default;
};

// Any packet; the alternatives are in packet type order, so index + 1 is the type.
using Packet = std::variant<Connect, Connack, Publish, Puback, Pubrec, Pubrel, Pubcomp, Subscribe,
                            Suback, Unsubscribe, Unsuback, Pingreq, Pingresp, Disconnect, Auth>;

inline PacketType TypeOf(const Packet& packet) {
  return static_cast<PacketType>(packet.index() + 1);
}

}  // namespace custos::mqtt
