// A Registration as the store keeps it (core::Lwm2mRegistrationRecord) and back: the peer as
// "address:port" text and the object list as CoRE link format, so that a registration reloaded
// after a restart is the one the device made. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/lwm2m_registration.h"
#include "lwm2m/server/registration_table.h"

namespace custos::lwm2m::server {

// The object list as a Register payload would carry it: the root link (when the root path is
// not "/" or content formats are declared) then every object link with its ver; ParseObjectList
// reads it back equal.
std::string FormatObjectList(const ObjectList& objects);

// "192.0.2.1:5683" or "[2001:db8:0:0:0:0:0:1]:5683" (what coap::ToString writes) back to a
// peer; nullopt for anything else.
std::optional<coap::Peer> ParsePeer(std::string_view text);

core::Lwm2mRegistrationRecord ToRecord(const Registration& registration);
// kInvalidArgument when the record's peer or object list does not parse.
core::Result<Registration> FromRecord(const core::Lwm2mRegistrationRecord& record);

}  // namespace custos::lwm2m::server
