// The registrations the server holds: one per endpoint, found by endpoint, by registration
// id (the /rd/{id} of Update and De-register) or by device, with every lifetime deadline in
// one ordered structure so that expiry costs a look at its front. In memory; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "coap/coap.h"
#include "core/clock.h"
#include "core/device.h"
#include "lwm2m/server/registration.h"

namespace custos::lwm2m::server {

// One device's current registration.
struct Registration {
  std::string id;  // the {id} of /rd/{id}
  std::string endpoint;
  core::DeviceId device_id = 0;
  coap::Peer peer;
  bool secure = false;   // came over DTLS
  std::string identity;  // the DTLS PSK identity; empty on plain UDP
  format::Lwm2mVersion version = format::Lwm2mVersion::kV1_0;
  std::string version_text = "1.0";
  std::int64_t lifetime_s = kDefaultLifetimeS;
  std::string binding = "U";
  std::string sms;
  bool queue_mode = false;
  ObjectList objects;
  core::TimeMs registered_at = 0;
  core::TimeMs updated_at = 0;  // the last Register or Update
  core::TimeMs deadline = 0;    // expires when the clock passes this
};

class RegistrationTable {
 public:
  // Adds `registration`, replacing the endpoint's earlier one (a device that registers
  // again); returns the replaced one.
  std::optional<Registration> Put(Registration registration);
  // Applies `update` and the new peer and deadline to registration `id`; returns the result,
  // or nullopt for an unknown id.
  std::optional<Registration> Update(const std::string& id, const UpdateRequest& update,
                                     const coap::Peer& peer, core::TimeMs now,
                                     core::TimeMs deadline);
  std::optional<Registration> Remove(const std::string& id);
  std::optional<Registration> RemoveDevice(core::DeviceId device_id);

  std::optional<Registration> FindById(const std::string& id) const;
  std::optional<Registration> FindByEndpoint(const std::string& endpoint) const;
  std::optional<Registration> FindByDevice(core::DeviceId device_id) const;

  // Removes and returns every registration whose deadline is before `now`, earliest first.
  std::vector<Registration> TakeExpired(core::TimeMs now);
  // The earliest deadline, or nullopt when the table is empty.
  std::optional<core::TimeMs> NextDeadline() const;
  std::size_t size() const;

 private:
  std::optional<Registration> EraseLocked(const std::string& endpoint);

  mutable std::mutex mu_;
  std::unordered_map<std::string, Registration> by_endpoint_;
  std::unordered_map<std::string, std::string> endpoint_by_id_;
  std::unordered_map<core::DeviceId, std::string> endpoint_by_device_;
  std::set<std::pair<core::TimeMs, std::string>> deadlines_;  // (deadline, endpoint)
};

}  // namespace custos::lwm2m::server
