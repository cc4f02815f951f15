// Object 0, LwM2M Security: the keys and addresses a client uses to reach each server. No
// Device Management operation touches it (operations are empty): a Bootstrap-Server or a
// smartcard writes it.
#include "lwm2m/model/builtin_table.h"

namespace custos::lwm2m::builtin {
namespace {

using enum ResourceType;

constexpr Header kSecurity12{0,
                             "LWM2M Security",
                             {1, 2},
                             {1, 1},
                             "urn:oma:lwm2m:oma:0:1.2",
                             kMultiple,
                             kMandatory,
                             "Keying material a client uses to reach one LwM2M Server or "
                             "Bootstrap-Server. Only a Bootstrap-Server (or a smartcard) changes "
                             "it; no LwM2M Server may access it."};
constexpr Header kSecurity11{0,         "",         {1, 1}, {1, 1}, "urn:oma:lwm2m:oma:0:1.1",
                             kMultiple, kMandatory, ""};
constexpr Header kSecurity10{0,         "",         {1, 0}, {1, 0}, "urn:oma:lwm2m:oma:0",
                             kMultiple, kMandatory, ""};

constexpr Row kRows[] = {
    {0, "LWM2M Server URI", kNoOps, kSingle, kMandatory, kString, "0..255", "",
     "URI of the LwM2M Server or Bootstrap-Server (RFC 7252 §6)."},
    {1, "Bootstrap-Server", kNoOps, kSingle, kMandatory, kBoolean, "", "",
     "True when this instance describes a Bootstrap-Server."},
    {2, "Security Mode", kNoOps, kSingle, kMandatory, kInteger, "0..4", "",
     "0 PSK, 1 raw public key, 2 certificate, 3 NoSec, 4 certificate with EST."},
    {3, "Public Key or Identity", kNoOps, kSingle, kMandatory, kOpaque, "", "",
     "The client's certificate, raw public key or PSK identity."},
    {4, "Server Public Key", kNoOps, kSingle, kMandatory, kOpaque, "", "",
     "The server's certificate, raw public key or trust anchor."},
    {5, "Secret Key", kNoOps, kSingle, kMandatory, kOpaque, "", "",
     "The PSK or the client's private key; never readable by a server."},
    {6, "SMS Security Mode", kNoOps, kSingle, kOptional, kInteger, "0..255", "",
     "Security of the SMS binding: 1 DTLS, 2 secure packet structure, 3 NoSec."},
    {7, "SMS Binding Key Parameters", kNoOps, kSingle, kOptional, kOpaque, "6", "",
     "KIc, KID, SPI and TAR of the SMS binding."},
    {8, "SMS Binding Secret Key(s)", kNoOps, kSingle, kOptional, kOpaque, "16,32,48", "",
     "Keys of the SMS binding."},
    {9, "LwM2M Server SMS Number", kNoOps, kSingle, kOptional, kString, "", "",
     "MSISDN the client sends SMS messages to."},
    {10, "Short Server ID", kNoOps, kSingle, kOptional, kInteger, "1..65534", "",
     "The server's short id; links this instance to its Server object instance."},
    {11, "Client Hold Off Time", kNoOps, kSingle, kOptional, kInteger, "", "s",
     "Seconds to wait before a client-initiated bootstrap."},
    {12, "Bootstrap-Server Account Timeout", kNoOps, kSingle, kOptional, kInteger, "", "s",
     "Seconds after which the client purges the Bootstrap-Server account; 0 never."},
    {13, "Matching Type", kNoOps, kSingle, kOptional, kUnsignedInteger, "0..3", "",
     "How Server Public Key is matched: 0 exact, 1 SHA-256, 2 SHA-384, 3 SHA-512."},
    {14, "SNI", kNoOps, kSingle, kOptional, kString, "", "",
     "Server Name Indication to send in the (D)TLS handshake."},
    {15, "Certificate Usage", kNoOps, kSingle, kOptional, kUnsignedInteger, "0..3", "",
     "Meaning of Server Public Key: 0 CA, 1 service certificate, 2 trust anchor, 3 domain-issued."},
    {16, "DTLS/TLS Ciphersuite", kNoOps, kMultiple, kOptional, kUnsignedInteger, "", "",
     "IANA ciphersuite numbers the client proposes."},
    {17, "OSCORE Security Mode", kNoOps, kSingle, kOptional, kObjectLink, "", "",
     "Link to the OSCORE object instance to use."},
    {18, "Groups To Use by Client", kNoOps, kMultiple, kOptional, kUnsignedInteger, "0..65535", "",
     "(D)TLS key exchange groups the client offers."},
    {19, "Signature Algorithms Supported by Server", kNoOps, kMultiple, kOptional, kUnsignedInteger,
     "0..65535", "", "Signature algorithms the server supports."},
    {20, "Signature Algorithms To Use by Client", kNoOps, kMultiple, kOptional, kUnsignedInteger,
     "0..65535", "", "Signature algorithms the client offers."},
    {21, "Signature Algorithm Certs Supported by Server", kNoOps, kMultiple, kOptional,
     kUnsignedInteger, "0..65535", "", "Certificate signature algorithms the server supports."},
    {22, "TLS 1.3 Features To Use by Client", kNoOps, kSingle, kOptional, kUnsignedInteger,
     "0..65535", "", "Bit mask of TLS 1.3 features the client uses."},
    {23, "TLS Extensions Supported by Server", kNoOps, kSingle, kOptional, kUnsignedInteger,
     "0..65535", "", "Bit mask of TLS extensions the server supports."},
    {24, "TLS Extensions To Use by Client", kNoOps, kSingle, kOptional, kUnsignedInteger,
     "0..65535", "", "Bit mask of TLS extensions the client uses."},
    {25, "Secondary LwM2M Server URI", kNoOps, kMultiple, kOptional, kString, "0..255", "",
     "Further URIs of the same server, tried in order."},
    {26, "MQTT Server", kNoOps, kSingle, kOptional, kObjectLink, "", "",
     "Link to the MQTT Server object instance (LwM2M over MQTT)."},
    {27, "LwM2M COSE Security", kNoOps, kMultiple, kOptional, kObjectLink, "", "",
     "Links to COSE object instances."},
    {28, "RDS Destination Port", kNoOps, kSingle, kOptional, kInteger, "0..15", "",
     "Reliable Data Service destination port (Non-IP binding)."},
    {29, "RDS Source Port", kNoOps, kSingle, kOptional, kInteger, "0..15", "",
     "Reliable Data Service source port (Non-IP binding)."},
    {30, "RDS Application ID", kNoOps, kSingle, kOptional, kString, "", "",
     "Reliable Data Service application id (Non-IP binding)."},
};

}  // namespace

void AddSecurity(std::vector<ObjectDefinition>& out) {
  const auto v12 = Make(kSecurity12, kRows);
  // 1.1 (TS Core 1.1) stops at OSCORE Security Mode; its Certificate Usage and Ciphersuite
  // were signed Integers.
  auto v11 = Older(v12, kSecurity11, Ids(0, 17));
  Resource(v11, 15).type = ResourceType::kInteger;
  Resource(v11, 16).type = ResourceType::kInteger;
  // 1.0 (TS 1.0) ends at the Bootstrap-Server Account Timeout.
  auto v10 = Older(v12, kSecurity10, Ids(0, 12));
  Resource(v10, 0).range = "0-255 bytes";
  Resource(v10, 2).range = "0-4";
  Resource(v10, 6).range = "0-255";
  Resource(v10, 7).range = "6 bytes";
  Resource(v10, 8).range = "16-32-48 bytes";
  Resource(v10, 10).range = "1-65534";
  out.push_back(std::move(v10));
  out.push_back(std::move(v11));
  out.push_back(v12);
}

}  // namespace custos::lwm2m::builtin
