// Object 1, LwM2M Server: one instance per LwM2M Server account of the client (lifetime,
// binding, default observation periods, triggers).
#include "lwm2m/model/builtin_table.h"

namespace custos::lwm2m::builtin {
namespace {

using enum ResourceType;

constexpr Header kServer12{1,
                           "LwM2M Server",
                           {1, 2},
                           {1, 2},
                           "urn:oma:lwm2m:oma:1:1.2",
                           kMultiple,
                           kMandatory,
                           "Data of one LwM2M Server account: registration lifetime, binding, "
                           "default observation periods and the triggers a server may execute. "
                           "A Bootstrap-Server has no instance."};
constexpr Header kServer11{1,         "",         {1, 1}, {1, 1}, "urn:oma:lwm2m:oma:1:1.1",
                           kMultiple, kMandatory, ""};
constexpr Header kServer10{1, "", {1, 0}, {1, 0}, "urn:oma:lwm2m:oma:1", kMultiple, kMandatory, ""};

constexpr Row kRows[] = {
    {0, "Short Server ID", kR, kSingle, kMandatory, kInteger, "1..65534", "",
     "The server's short id, linking it to its Security object instance."},
    {1, "Lifetime", kRW, kSingle, kMandatory, kInteger, "", "s",
     "Registration lifetime in seconds."},
    {2, "Default Minimum Period", kRW, kSingle, kOptional, kInteger, "", "s",
     "Minimum period of an observation without a pmin attribute; 0 when absent."},
    {3, "Default Maximum Period", kRW, kSingle, kOptional, kInteger, "", "s",
     "Maximum period of an observation without a pmax attribute."},
    {4, "Disable", kE, kSingle, kOptional, kNone, "", "",
     "De-register and stay silent towards this server for Disable Timeout."},
    {5, "Disable Timeout", kRW, kSingle, kOptional, kInteger, "", "s",
     "How long Disable lasts; 86400 when absent."},
    {6, "Notification Storing When Disabled or Offline", kRW, kSingle, kMandatory, kBoolean, "", "",
     "Whether notifications are kept and sent later while disabled or offline."},
    {7, "Binding", kRW, kSingle, kMandatory, kString, "", "",
     "The transport bindings the client uses with this server (U, T, S, N, Q...)."},
    {8, "Registration Update Trigger", kE, kSingle, kMandatory, kNone, "", "",
     "Makes the client send a registration Update to this server."},
    {9, "Bootstrap-Request Trigger", kE, kSingle, kOptional, kNone, "", "",
     "Makes the client start a client-initiated bootstrap."},
    {10, "APN Link", kRW, kSingle, kOptional, kObjectLink, "", "",
     "Link to the APN connection profile (object 11) used for this server."},
    {11, "TLS-DTLS Alert Code", kR, kSingle, kOptional, kUnsignedInteger, "0..255", "",
     "The last (D)TLS alert received from this server."},
    {12, "Last Bootstrapped", kR, kSingle, kOptional, kTime, "", "",
     "When a Bootstrap-Server last updated this account."},
    {13, "Registration Priority Order", kR, kSingle, kOptional, kUnsignedInteger, "", "",
     "Order of registration among servers, lowest first."},
    {14, "Initial Registration Delay Timer", kRW, kSingle, kOptional, kUnsignedInteger, "", "s",
     "Delay before registering after the previous server in the order."},
    {15, "Registration Failure Block", kR, kSingle, kOptional, kBoolean, "", "",
     "Whether a failed registration here blocks registering with later servers."},
    {16, "Bootstrap on Registration Failure", kR, kSingle, kOptional, kBoolean, "", "",
     "Whether a failed registration here makes the client bootstrap again."},
    {17, "Communication Retry Count", kRW, kSingle, kOptional, kUnsignedInteger, "", "",
     "Attempts in one communication sequence."},
    {18, "Communication Retry Timer", kRW, kSingle, kOptional, kUnsignedInteger, "", "s",
     "Base delay between attempts, doubled on each retry."},
    {19, "Communication Sequence Delay Timer", kRW, kSingle, kOptional, kUnsignedInteger, "", "s",
     "Delay between communication sequences."},
    {20, "Communication Sequence Retry Count", kRW, kSingle, kOptional, kUnsignedInteger, "", "",
     "Communication sequences before registration is considered failed."},
    {21, "Trigger", kRW, kSingle, kOptional, kBoolean, "", "",
     "Whether the client is reachable over SMS for triggers."},
    {22, "Preferred Transport", kRW, kSingle, kOptional, kString,
     "The possible values are those listed in the LwM2M Core Specification", "",
     "The one transport binding the client prefers to reach this server with."},
    {23, "Mute Send", kRW, kSingle, kOptional, kBoolean, "", "",
     "When true or absent, the client does not use the Send operation."},
    {24, "Alternate APN Links", kRW, kMultiple, kOptional, kObjectLink, "", "",
     "Further APN connection profiles for this server."},
    {25, "Supported Server Versions", kRW, kMultiple, kOptional, kString, "", "",
     "LwM2M versions the server supports."},
    {26, "Default Notification Mode", kRW, kSingle, kOptional, kInteger, "0..1", "",
     "0 non-confirmable, 1 confirmable notifications by default."},
    {27, "Profile ID Hash Algorithm", kRW, kSingle, kOptional, kUnsignedInteger, "0..255", "",
     "Hash algorithm of the profile ids of registration templates."},
};

}  // namespace

void AddServer(std::vector<ObjectDefinition>& out) {
  const auto v12 = Make(kServer12, kRows);
  // 1.1 ends at Mute Send; its registration and communication resources (13-20) had no
  // Device Management operation, only the Bootstrap-Server set them.
  auto v11 = Older(v12, kServer11, Ids(0, 23));
  for (std::uint16_t id = 13; id <= 20; ++id) Resource(v11, id).operations = kNoOps;
  Resource(v11, 7).range = "The possible values are those listed in the LwM2M Core Specification";
  // 1.0 ends at Registration Update Trigger.
  auto v10 = Older(v12, kServer10, Ids(0, 8));
  Resource(v10, 0).range = "1-65535";
  Resource(v10, 7).range = "The possible values of Resource are listed in 5.3.1.1";
  out.push_back(std::move(v10));
  out.push_back(std::move(v11));
  out.push_back(v12);
}

}  // namespace custos::lwm2m::builtin
