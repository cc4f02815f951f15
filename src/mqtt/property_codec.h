// Internal to src/mqtt: reading, checking and writing the properties of a packet or Will
// (v5 §2.2.2).
#pragma once

#include <optional>

#include "mqtt/properties.h"
#include "mqtt/wire.h"

namespace custos::mqtt::wire {

// The rules one property breaks in a packet of type `packet` (in its Will Properties when
// `will`), or nullopt: it must be allowed there (else Malformed Packet, §2.2.2.2), hold a
// value of its type (Malformed Packet; only hand-built values can break this), and a value
// in its range (Protocol Error): 0 or 1 for the flag bytes, not 0 for Receive Maximum,
// Maximum Packet Size, Topic Alias and Subscription Identifier, a valid Topic Name for
// Response Topic.
std::optional<Problem> CheckProperty(const Property& property, PacketType packet, bool will);

// The rules `properties` break as a whole or one by one (CheckProperty): no repetition but
// those MayRepeat allows (Protocol Error), no Authentication Data without an Authentication
// Method (Protocol Error, §3.1.2.11.10).
std::optional<Problem> CheckProperties(const Properties& properties, PacketType packet, bool will);

// Reads a Property Length and the properties it covers, refusing what CheckProperties
// refuses, unknown identifiers and properties running past the Property Length (Malformed
// Packet).
Properties ReadProperties(Reader& reader, bool will = false);

// Writes the Property Length and the properties, in order.
void WriteProperties(Writer& writer, const Properties& properties);

}  // namespace custos::mqtt::wire
