// The observations the server holds on devices, per device: which paths, the CoAP
// observation carrying them (peer and token, so that it can be adopted again after a restart),
// the last value notified. In memory; thread-safe. observation_record.h converts one to what
// the store keeps.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "coap/transport/endpoint.h"
#include "core/clock.h"
#include "core/device.h"
#include "lwm2m/path.h"

namespace custos::lwm2m::server {

struct Observation {
  std::string id;  // "o1", "o2", ...: the REST API's name for it
  core::DeviceId device = 0;
  std::vector<Path> paths;
  bool secure = false;  // which listener carries it
  coap::ObservationId coap_id = 0;
  coap::Peer peer;                          // where the registration went
  std::vector<std::uint8_t> token;          // its CoAP token, known once the device answered
  std::optional<std::uint16_t> content_format;  // the Accept it asked for
  bool accepted = false;          // the device answered the registration with 2.05 and Observe
  boost::json::value last_value;  // null until the first answer
  core::TimeMs started_at = 0;
  core::TimeMs last_notified_at = 0;
};

class ObservationTable {
 public:
  // Adds an observation with a fresh id and returns it.
  Observation Add(core::DeviceId device, std::vector<Path> paths, bool secure,
                  core::TimeMs started_at, const coap::Peer& peer = {},
                  std::optional<std::uint16_t> content_format = std::nullopt);
  void SetCoapId(const std::string& id, coap::ObservationId coap_id);
  void SetToken(const std::string& id, std::vector<std::uint8_t> token);
  // Puts back an observation kept across a restart under its own id; false if the id is
  // taken.
  bool Restore(Observation observation);
  // Ids handed out from now on are above "o<last>": none a client saw before a restart.
  void Reserve(std::uint64_t last);
  // Records an answer or notification; returns the observation, nullopt if it is gone.
  std::optional<Observation> Notified(const std::string& id, boost::json::value value,
                                      core::TimeMs at);
  std::optional<Observation> Find(const std::string& id) const;
  std::optional<Observation> Remove(const std::string& id);
  std::vector<Observation> RemoveDevice(core::DeviceId device);
  // The device's observations, by id.
  std::vector<Observation> OfDevice(core::DeviceId device) const;
  // Whether the device has an observation of exactly `path`.
  bool Observes(core::DeviceId device, const Path& path) const;
  std::vector<Observation> RemoveAll();
  // Every observation, by id.
  std::vector<Observation> All() const;

 private:
  void IndexLocked(const Observation& o) { ids_by_device_[o.device].insert(o.id); }
  void UnindexLocked(const Observation& o);

  mutable std::mutex mu_;
  std::uint64_t next_ = 1;
  std::map<std::string, Observation> by_id_;
  // The ids of each device's observations: a device's registration or update looks up its
  // own, never every device's.
  std::map<core::DeviceId, std::set<std::string>> ids_by_device_;
};

// {"id", "paths", "started_at", "last_notified_at", "value"}.
boost::json::value ToJson(const Observation& observation);

}  // namespace custos::lwm2m::server
