// The Register and Update messages of the LwM2M registration interface (TS Core §6.2.1-2,
// TS Transport §6.x): their query parameters and link-format payload, parsed and checked.
// Pure: no clock, no registry.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "lwm2m/format/format.h"
#include "lwm2m/path.h"

namespace custos::lwm2m::server {

// One object or object instance a device declared: </3/0> or </1>;ver=1.1.
struct ObjectLink {
  Path path;
  std::string version;  // the ver attribute, "" when absent (the object's 1.0 or the default)
  bool operator==(const ObjectLink&) const = default;
};

// What a Register or Update payload says, relative to the device's root path.
struct ObjectList {
  std::string root_path = "/";  // "/" or the alternate root (e.g. "/lwm2m")
  std::vector<ObjectLink> objects;
  std::vector<std::uint16_t> content_formats;  // the ct of the root link
  bool operator==(const ObjectList&) const = default;
};

// Default lifetime when a Register has no lt (TS Core, Table: Registration parameters).
inline constexpr std::int64_t kDefaultLifetimeS = 86'400;

// A Register: POST /rd?ep=..&lt=..&lwm2m=..&b=..&sms=..&Q with a link-format payload.
struct RegisterRequest {
  std::string endpoint;
  std::int64_t lifetime_s = kDefaultLifetimeS;
  format::Lwm2mVersion version = format::Lwm2mVersion::kV1_0;
  std::string version_text = "1.0";
  std::string binding = "U";
  std::string sms;
  bool queue_mode = false;
  ObjectList objects;
};

// An Update: POST /rd/{id} with any of lt, b, sms, Q and an optional payload; unset members
// keep the registration's values.
struct UpdateRequest {
  std::optional<std::int64_t> lifetime_s;
  std::optional<std::string> binding;
  std::optional<std::string> sms;
  std::optional<bool> queue_mode;  // set only when the binding or Q says so
  std::optional<ObjectList> objects;
};

// Why a Register or Update is refused; each maps to one CoAP response code.
enum class RefusalKind {
  kBadRequest,          // 4.00: a missing or malformed parameter, a bad link format
  kUnsupportedVersion,  // 4.12: a well-formed lwm2m= this server does not speak (2.0)
  kUnsupportedFormat,   // 4.15: a payload that is not application/link-format
};

struct Refusal {
  RefusalKind kind = RefusalKind::kBadRequest;
  std::string message;  // a diagnostic payload for the device's developer
};

template <class T>
using Parsed = tl::expected<T, Refusal>;

// Parses a Register from its Uri-Query arguments ("ep=dev1", "lt=60", "Q", one per option,
// unescaped), its Content-Format (nullopt when absent) and its payload. Unknown parameters are
// ignored, as the specification asks of servers; ep is required and must be a valid device
// name; lt a whole number of seconds 1..4294967295; lwm2m "1.0", "1.1" or "1.2" (absent means
// 1.0, a later 1.x reads as 1.2); b a binding (see ParseBinding).
Parsed<RegisterRequest> ParseRegister(std::span<const std::string> query,
                                      std::optional<std::uint16_t> content_format,
                                      std::string_view payload);

// Parses an Update the same way; an empty payload leaves the object list alone. ep and lwm2m
// are not Update parameters and are refused.
Parsed<UpdateRequest> ParseUpdate(std::span<const std::string> query,
                                  std::optional<std::uint16_t> content_format,
                                  std::string_view payload);

// A binding: a non-empty set of the transport letters U (UDP), T (TCP), S (SMS), N (non-IP),
// each at most once, optionally with Q (1.0 queue mode, e.g. "UQ"). Returns the binding
// without Q and whether Q was there; nullopt for anything else.
struct Binding {
  std::string transports;
  bool queue = false;
};
std::optional<Binding> ParseBinding(std::string_view text);

// The object list in a link-format payload: the root link (rt="oma.lwm2m" or </>) gives the
// root path and the declared content formats; every other link under the root must be an
// object or an object instance. A refusal names the fault and its byte offset.
Parsed<ObjectList> ParseObjectList(std::string_view payload);

}  // namespace custos::lwm2m::server
