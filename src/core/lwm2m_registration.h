// An LwM2M registration as the store keeps it, so that registrations survive a restart: plain
// values (the peer address and the object list as text), since the core knows no CoAP and no
// link format. The LwM2M server converts to and from its own Registration.
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/device.h"

namespace custos::core {

struct Lwm2mRegistrationRecord {
  std::string id;  // the {id} of /rd/{id}; unique
  std::string endpoint;  // unique
  DeviceId device_id = 0;  // unique: one registration per device
  std::string peer;  // "192.0.2.1:5683" or "[2001:db8:0:0:0:0:0:1]:5683"
  bool secure = false;  // came over DTLS
  std::string identity;  // the DTLS PSK identity; empty on plain UDP
  std::string version = "1.0";  // the lwm2m= parameter as the device sent it
  std::int64_t lifetime_s = 0;
  std::string binding;
  std::string sms;
  bool queue_mode = false;
  std::string object_links;  // the object list in CoRE link format
  TimeMs registered_at = 0;
  TimeMs updated_at = 0;
  TimeMs deadline = 0;  // the registration expires when the clock passes this

  bool operator==(const Lwm2mRegistrationRecord&) const = default;
};

// One change to the stored registrations: a put (the whole record) or, when `removed_id` is
// set, the removal of the registration with that id.
struct Lwm2mRegistrationChange {
  Lwm2mRegistrationRecord record;
  std::string removed_id;

  static Lwm2mRegistrationChange Put(Lwm2mRegistrationRecord r) { return {std::move(r), {}}; }
  static Lwm2mRegistrationChange Remove(std::string id) { return {{}, std::move(id)}; }
  bool is_removal() const { return !removed_id.empty(); }
};

}  // namespace custos::core
