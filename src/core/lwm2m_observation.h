// An LwM2M observation as the store keeps it, so that a device's next notification after a
// server restart is recognised (by its peer and CoAP token) and routed as before: plain values,
// since the core knows no CoAP. The LwM2M server converts to and from its own Observation.
//
// What is written when: a put when the device accepts the observation (and once more, with the
// last values, when the server stops), a removal when it ends. A notification writes nothing:
// a storm of notifications must not become a storm of writes, and what a restart needs (peer,
// token, paths, format) does not change between notifications.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/device.h"

namespace custos::core {

struct Lwm2mObservationRecord {
  std::int64_t id = 0;  // the N of the REST API's "oN"; unique, > 0
  DeviceId device_id = 0;
  std::vector<std::string> paths;  // "/3/0/9"; several for Observe-Composite
  std::vector<std::uint8_t> token;  // the CoAP token of the registration, 1 to 8 bytes
  bool secure = false;              // the listener carrying it (DTLS when true)
  std::string peer;                 // the device's "address:port" when it was observed
  std::int64_t content_format = -1;  // the Accept the registration asked for; -1 none
  TimeMs started_at = 0;
  std::string last_value_json;  // the typed JSON of the last answer or notification; "" none
  TimeMs last_notified_at = 0;

  bool operator==(const Lwm2mObservationRecord&) const = default;
};

// One change to the stored observations: a put (the whole record) or, when `removed_id` is
// set, the removal of the observation with that id.
struct Lwm2mObservationChange {
  Lwm2mObservationRecord record;
  std::int64_t removed_id = 0;

  static Lwm2mObservationChange Put(Lwm2mObservationRecord r) { return {std::move(r), 0}; }
  static Lwm2mObservationChange Remove(std::int64_t id) { return {{}, id}; }
  bool is_removal() const { return removed_id != 0; }
};

}  // namespace custos::core
