#include "mqtt/reason_code.h"

#include <string_view>

namespace custos::mqtt {
namespace {

constexpr std::uint16_t Bit(PacketType type) {
  return static_cast<std::uint16_t>(1u << static_cast<unsigned>(type));
}

constexpr std::uint16_t kConnack = Bit(PacketType::kConnack);
constexpr std::uint16_t kPuback = Bit(PacketType::kPuback);
constexpr std::uint16_t kPubrec = Bit(PacketType::kPubrec);
constexpr std::uint16_t kPubrel = Bit(PacketType::kPubrel);
constexpr std::uint16_t kPubcomp = Bit(PacketType::kPubcomp);
constexpr std::uint16_t kSuback = Bit(PacketType::kSuback);
constexpr std::uint16_t kUnsuback = Bit(PacketType::kUnsuback);
constexpr std::uint16_t kDisconnect = Bit(PacketType::kDisconnect);
constexpr std::uint16_t kAuth = Bit(PacketType::kAuth);
constexpr std::uint16_t kPubResponse = kPuback | kPubrec;

struct Entry {
  std::uint8_t code;
  const char* text;
  std::uint16_t packets;
};

// v5 §2.4, Table 2-6: every Reason Code, its name, and the packets that may carry it.
constexpr Entry kTable[] = {
    {0x00, "Success", kConnack | kPubResponse | kPubrel | kPubcomp | kUnsuback | kAuth},
    {0x00, "Normal disconnection", kDisconnect},
    {0x00, "Granted QoS 0", kSuback},
    {0x01, "Granted QoS 1", kSuback},
    {0x02, "Granted QoS 2", kSuback},
    {0x04, "Disconnect with Will Message", kDisconnect},
    {0x10, "No matching subscribers", kPubResponse},
    {0x11, "No subscription existed", kUnsuback},
    {0x18, "Continue authentication", kAuth},
    {0x19, "Re-authenticate", kAuth},
    {0x80, "Unspecified error", kConnack | kPubResponse | kSuback | kUnsuback | kDisconnect},
    {0x81, "Malformed Packet", kConnack | kDisconnect},
    {0x82, "Protocol Error", kConnack | kDisconnect},
    {0x83, "Implementation specific error",
     kConnack | kPubResponse | kSuback | kUnsuback | kDisconnect},
    {0x84, "Unsupported Protocol Version", kConnack},
    {0x85, "Client Identifier not valid", kConnack},
    {0x86, "Bad User Name or Password", kConnack},
    {0x87, "Not authorized", kConnack | kPubResponse | kSuback | kUnsuback | kDisconnect},
    {0x88, "Server unavailable", kConnack},
    {0x89, "Server busy", kConnack | kDisconnect},
    {0x8A, "Banned", kConnack},
    {0x8B, "Server shutting down", kDisconnect},
    {0x8C, "Bad authentication method", kConnack | kDisconnect},
    {0x8D, "Keep Alive timeout", kDisconnect},
    {0x8E, "Session taken over", kDisconnect},
    {0x8F, "Topic Filter invalid", kSuback | kUnsuback | kDisconnect},
    {0x90, "Topic Name invalid", kConnack | kPubResponse | kDisconnect},
    {0x91, "Packet Identifier in use", kPubResponse | kSuback | kUnsuback},
    {0x92, "Packet Identifier not found", kPubrel | kPubcomp},
    {0x93, "Receive Maximum exceeded", kDisconnect},
    {0x94, "Topic Alias invalid", kDisconnect},
    {0x95, "Packet too large", kConnack | kDisconnect},
    {0x96, "Message rate too high", kDisconnect},
    {0x97, "Quota exceeded", kConnack | kPubResponse | kSuback | kDisconnect},
    {0x98, "Administrative action", kDisconnect},
    {0x99, "Payload format invalid", kConnack | kPubResponse | kDisconnect},
    {0x9A, "Retain not supported", kConnack | kDisconnect},
    {0x9B, "QoS not supported", kConnack | kDisconnect},
    {0x9C, "Use another server", kConnack | kDisconnect},
    {0x9D, "Server moved", kConnack | kDisconnect},
    {0x9E, "Shared Subscriptions not supported", kSuback | kDisconnect},
    {0x9F, "Connection rate exceeded", kConnack | kDisconnect},
    {0xA0, "Maximum connect time", kDisconnect},
    {0xA1, "Subscription Identifiers not supported", kSuback | kDisconnect},
    {0xA2, "Wildcard Subscriptions not supported", kSuback | kDisconnect},
};

const Entry* Find(ReasonCode code, std::uint16_t packets) {
  for (const Entry& e : kTable) {
    if (e.code == static_cast<std::uint8_t>(code) && (e.packets & packets) != 0) return &e;
  }
  return nullptr;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

const char* ToString(ReasonCode code) {
  const Entry* e = Find(code, 0xffff);
  return e != nullptr ? e->text : "?";
}

const char* ToString(ReasonCode code, PacketType packet) {
  const Entry* e = Find(code, Bit(packet));
  return e != nullptr ? e->text : ToString(code);
}

bool ValidFor(ReasonCode code, PacketType packet) { return Find(code, Bit(packet)) != nullptr; }

const char* ToString(ConnectReturnCode code) {
  switch (code) {
    case ConnectReturnCode::kAccepted:
      return "Connection Accepted";
    case ConnectReturnCode::kUnacceptableProtocolVersion:
      return "Connection Refused, unacceptable protocol version";
    case ConnectReturnCode::kIdentifierRejected:
      return "Connection Refused, identifier rejected";
    case ConnectReturnCode::kServerUnavailable:
      return "Connection Refused, Server unavailable";
    case ConnectReturnCode::kBadUserNameOrPassword:
      return "Connection Refused, bad user name or password";
    case ConnectReturnCode::kNotAuthorized:
      return "Connection Refused, not authorized";
  }
  return "?";
}

std::optional<ConnectReturnCode> ToConnectReturnCode(ReasonCode code) {
  switch (code) {
    case ReasonCode::kSuccess:
      return ConnectReturnCode::kAccepted;
    case ReasonCode::kUnsupportedProtocolVersion:
      return ConnectReturnCode::kUnacceptableProtocolVersion;
    case ReasonCode::kClientIdentifierNotValid:
      return ConnectReturnCode::kIdentifierRejected;
    case ReasonCode::kServerUnavailable:
    case ReasonCode::kServerBusy:
      return ConnectReturnCode::kServerUnavailable;
    case ReasonCode::kBadUserNameOrPassword:
    case ReasonCode::kBadAuthenticationMethod:
      return ConnectReturnCode::kBadUserNameOrPassword;
    case ReasonCode::kNotAuthorized:
    case ReasonCode::kBanned:
      return ConnectReturnCode::kNotAuthorized;
    default:
      return std::nullopt;
  }
}

ReasonCode FromConnectReturnCode(ConnectReturnCode code) {
  switch (code) {
    case ConnectReturnCode::kAccepted:
      return ReasonCode::kSuccess;
    case ConnectReturnCode::kUnacceptableProtocolVersion:
      return ReasonCode::kUnsupportedProtocolVersion;
    case ConnectReturnCode::kIdentifierRejected:
      return ReasonCode::kClientIdentifierNotValid;
    case ConnectReturnCode::kServerUnavailable:
      return ReasonCode::kServerUnavailable;
    case ConnectReturnCode::kBadUserNameOrPassword:
      return ReasonCode::kBadUserNameOrPassword;
    case ConnectReturnCode::kNotAuthorized:
      return ReasonCode::kNotAuthorized;
  }
  return ReasonCode::kUnspecifiedError;
}

// Every refusal of the codec ends its message with "(0xNN Text)"; see wire.h.
ReasonCode ReasonFor(const core::Error& error) {
  const std::string_view m = error.message;
  const auto open = m.rfind("(0x");
  if (!m.starts_with("mqtt: ") || open == std::string_view::npos || m.size() < open + 5) {
    return ReasonCode::kUnspecifiedError;
  }
  const int high = HexDigit(m[open + 3]);
  const int low = HexDigit(m[open + 4]);
  if (high < 0 || low < 0) return ReasonCode::kUnspecifiedError;
  return static_cast<ReasonCode>(high * 16 + low);
}

}  // namespace custos::mqtt
