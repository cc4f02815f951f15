// The LwM2M registration interface (TS Core §6.2, TS Transport): answers Register, Update and
// De-register on /rd, keeps the registration table, reflects each registration in the device
// model through the Registry (connectivity, protocol, auto-provisioned devices) and expires
// registrations whose lifetime ran out. docs/lwm2m.md, "Registration", describes it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <random>
#include <thread>

#include "coap/transport/endpoint.h"
#include "core/clock.h"
#include "core/registry.h"
#include "core/store.h"
#include "lwm2m/server/registration_table.h"

namespace custos::lwm2m::server {

struct ServerOptions {
  // Whether an endpoint name the registry does not know becomes a new device (created with
  // the actor "lwm2m") or is refused with 4.03, per listener: on for plain CoAP, where
  // nothing else names a device, off for DTLS, whose devices come with their PSK.
  bool auto_provision_plain = true;
  bool auto_provision_secure = false;
  // Slack after a lifetime before the registration expires, for an Update in flight.
  std::int64_t expiry_grace_ms = 2'000;
};

class RegistrationService {
 public:
  RegistrationService(ServerOptions options, core::Registry& registry, core::Store& store,
                      core::Clock& clock);
  ~RegistrationService();  // stops the expiry thread

  // The answer to one request that arrived on the plain (`secure` false) or DTLS listener:
  // POST /rd, POST /rd/{id}, DELETE /rd/{id}; anything else under /rd gets 4.04 or 4.05.
  // Never throws (a failure inside is 5.00).
  coap::Message Answer(bool secure, const coap::IncomingRequest& request);
  // Answer, sent through `responder`.
  void Handle(bool secure, const coap::IncomingRequest& request, coap::Responder responder) {
    responder.Respond(Answer(secure, request));
  }

  // Whether a request for `path` ("/rd/..." or "/rd") belongs to this service.
  static bool Claims(std::string_view path);

  // Starts the thread that expires registrations as their deadlines pass (ExpireDue).
  void StartExpiry();
  void Stop();

  // Removes every registration whose deadline has passed and marks its device offline.
  // Returns how many expired. Called by the expiry thread; tests with a fake clock call it.
  std::size_t ExpireDue();
  // Drops the registration of a device that was disabled or retired and marks it offline.
  void DropDevice(core::DeviceId device_id);

  const RegistrationTable& registrations() const { return table_; }

 private:
  coap::Message Register(bool secure, const coap::IncomingRequest& request);
  coap::Message Update(bool secure, const std::string& id, const coap::IncomingRequest& request);
  coap::Message Deregister(bool secure, const std::string& id,
                           const coap::IncomingRequest& request);
  // The registry's device for `endpoint`: found, or created when auto-provisioning allows;
  // kPermissionDenied when it may not register (unknown, barred, another's DTLS identity).
  core::Result<core::Device> ResolveDevice(bool secure, const std::string& endpoint,
                                           const std::string& identity);
  void ReportOnline(const Registration& r);
  void ReportOffline(const Registration& r);
  std::string NewId();
  void ExpiryLoop();

  ServerOptions options_;
  core::Registry& registry_;
  core::Store& store_;
  core::Clock& clock_;
  RegistrationTable table_;
  std::mutex id_mu_;
  std::mt19937_64 id_random_;

  std::mutex expiry_mu_;
  std::condition_variable expiry_cv_;
  bool stopping_ = false;
  std::thread expiry_;
};

}  // namespace custos::lwm2m::server
