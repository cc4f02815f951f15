// MQTT 5.0 Reason Codes (v5 §2.4), the MQTT 3.1.1 CONNACK return codes (v3.1.1 §3.2.2.3),
// and the reason code to close a connection with when the codec refuses its bytes.
#pragma once

#include <cstdint>
#include <optional>

#include "core/error.h"
#include "mqtt/protocol.h"

namespace custos::mqtt {

// One byte; values below 0x80 report success, from 0x80 on failure. Some values have
// several names, one per packet that carries them (0x00 is Success, Normal disconnection
// or Granted QoS 0).
enum class ReasonCode : std::uint8_t {
  kSuccess = 0x00,
  kNormalDisconnection = 0x00,
  kGrantedQos0 = 0x00,
  kGrantedQos1 = 0x01,
  kGrantedQos2 = 0x02,
  kDisconnectWithWillMessage = 0x04,
  kNoMatchingSubscribers = 0x10,
  kNoSubscriptionExisted = 0x11,
  kContinueAuthentication = 0x18,
  kReAuthenticate = 0x19,
  kUnspecifiedError = 0x80,
  kMalformedPacket = 0x81,
  kProtocolError = 0x82,
  kImplementationSpecificError = 0x83,
  kUnsupportedProtocolVersion = 0x84,
  kClientIdentifierNotValid = 0x85,
  kBadUserNameOrPassword = 0x86,
  kNotAuthorized = 0x87,
  kServerUnavailable = 0x88,
  kServerBusy = 0x89,
  kBanned = 0x8A,
  kServerShuttingDown = 0x8B,
  kBadAuthenticationMethod = 0x8C,
  kKeepAliveTimeout = 0x8D,
  kSessionTakenOver = 0x8E,
  kTopicFilterInvalid = 0x8F,
  kTopicNameInvalid = 0x90,
  kPacketIdentifierInUse = 0x91,
  kPacketIdentifierNotFound = 0x92,
  kReceiveMaximumExceeded = 0x93,
  kTopicAliasInvalid = 0x94,
  kPacketTooLarge = 0x95,
  kMessageRateTooHigh = 0x96,
  kQuotaExceeded = 0x97,
  kAdministrativeAction = 0x98,
  kPayloadFormatInvalid = 0x99,
  kRetainNotSupported = 0x9A,
  kQosNotSupported = 0x9B,
  kUseAnotherServer = 0x9C,
  kServerMoved = 0x9D,
  kSharedSubscriptionsNotSupported = 0x9E,
  kConnectionRateExceeded = 0x9F,
  kMaximumConnectTime = 0xA0,
  kSubscriptionIdentifiersNotSupported = 0xA1,
  kWildcardSubscriptionsNotSupported = 0xA2,
};

constexpr bool IsFailure(ReasonCode code) { return static_cast<std::uint8_t>(code) >= 0x80; }

// The text of v5 Table 2-6 for `code`, e.g. "Malformed Packet"; for 0x00 "Success". "?" for
// a value the table does not define.
const char* ToString(ReasonCode code);
// The text of `code` as `packet` uses it: 0x00 is "Normal disconnection" in DISCONNECT and
// "Granted QoS 0" in SUBACK.
const char* ToString(ReasonCode code, PacketType packet);

// Whether v5 Table 2-6 lists `code` for `packet` (never for packets without a reason code:
// CONNECT, PUBLISH, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, PINGRESP).
bool ValidFor(ReasonCode code, PacketType packet);

// The CONNACK return codes of MQTT 3.1.1 (§3.2.2.3); 6 to 255 are reserved.
enum class ConnectReturnCode : std::uint8_t {
  kAccepted = 0,
  kUnacceptableProtocolVersion = 1,
  kIdentifierRejected = 2,
  kServerUnavailable = 3,
  kBadUserNameOrPassword = 4,
  kNotAuthorized = 5,
};

// e.g. "Connection Refused, identifier rejected".
const char* ToString(ConnectReturnCode code);

// The 3.1.1 return code that says what a v5 CONNACK `code` says, so that the server decides
// in v5 terms and answers either version: Success, Unsupported Protocol Version, Client
// Identifier not valid, Server unavailable or busy, Bad User Name or Password or Bad
// authentication method, Not authorized or Banned. nullopt for the others: a 3.1.1 server
// closes the connection without a CONNACK then (v3.1.1 §3.2.2.3).
std::optional<ConnectReturnCode> ToConnectReturnCode(ReasonCode code);
// The v5 code with the meaning of a 3.1.1 return code (the first of those listed above).
ReasonCode FromConnectReturnCode(ConnectReturnCode code);

// The reason code to close a connection with (in a DISCONNECT, or a CONNACK before the
// connection is accepted) after the codec refused a packet with `error`: Malformed Packet,
// Protocol Error, Packet too large, Unsupported Protocol Version, Topic Name invalid or
// Topic Filter invalid, as documented where each refusal is made. Unspecified error for an
// error that did not come from this codec.
ReasonCode ReasonFor(const core::Error& error);

}  // namespace custos::mqtt
