// The CoAP side of one device management request, pure: the Uri-Path under a device's root
// path, the shape and format of what a path holds, and failures from transport errors and
// error answers. Internal to lwm2m/server.
#pragma once

#include <optional>
#include <string>

#include "coap/coap.h"
#include "core/error.h"
#include "lwm2m/model/model.h"
#include "lwm2m/server/dm_types.h"
#include "lwm2m/server/registration_table.h"

namespace custos::lwm2m::server::dm {

// FETCH and iPATCH (RFC 8132): Read-, Observe- and Write-Composite.
inline constexpr coap::Code kFetch = coap::Code::Of(0, 5);
inline constexpr coap::Code kIPatch = coap::Code::Of(0, 7);

// "/3/0/1" under the registration's root path ("/lwm2m/3/0/1"); the root path for the root.
std::string UriPathOf(const Registration& registration, const Path& path);
// A Location-Path or link target written under the root path, relative to it again.
std::string StripRoot(const Registration& registration, std::string target);

// The object versions the registration declared.
DeclaredVersions VersionsOf(const Registration& registration);
// Whether the registration declared the object of `path`.
bool Declares(const Registration& registration, const Path& path);

// What a request on `path` reaches: a value (single resource or resource instance) or a
// tree; a resource the model does not know counts as a tree, which every format carries.
format::Shape ShapeOf(const Path& path, const ObjectRegistry& objects,
                      const DeclaredVersions& versions);
// ChooseFormat for the registration; kFailedPrecondition as "unsupported_by_device".
DmResult<format::ContentFormat> FormatFor(const Registration& registration, const Path& path,
                                          format::Shape shape, const ObjectRegistry& objects);

// A failure of the transport: kTimeout "timeout", kUnavailable "device_unreachable".
DmError FromTransport(const core::Error& error);
// The failure for an answer that is not 2.xx, with its diagnostic payload as the message.
DmError FromAnswer(const coap::Message& answer);
// A failure of ours to read the device's answer: reason "bad_answer" (HTTP 502).
DmError BadAnswer(std::string message);

}  // namespace custos::lwm2m::server::dm
