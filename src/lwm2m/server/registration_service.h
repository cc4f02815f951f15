// The LwM2M registration interface (TS Core §6.2, TS Transport): answers Register, Update and
// De-register on /rd, keeps the registration table, reflects each registration in the device
// model through the Registry (connectivity, protocol, auto-provisioned devices) and expires
// registrations whose lifetime ran out. Every Register, Update, De-register and expiry is
// persisted (RegistrationJournal) and the device's answer waits for the commit, so a
// registration the server acknowledged survives a restart; Restore reloads them.
// docs/lwm2m.md, "Registration" and "Registrations across restarts", describes it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "coap/transport/endpoint.h"
#include "core/clock.h"
#include "core/registry.h"
#include "core/store.h"
#include "lwm2m/server/registration_journal.h"
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

  // Receives the answer to a request; may run on the journal's thread.
  using Reply = std::function<void(coap::Message)>;

  // Answers one request that arrived on the plain (`secure` false) or DTLS listener:
  // POST /rd, POST /rd/{id}, DELETE /rd/{id}; anything else under /rd gets 4.04 or 4.05.
  // A change is answered (2.01, 2.04, 2.02) only once it is committed to the store, from the
  // journal's thread, so the calling thread never waits for the disk; refusals are answered
  // at once. The table already holds the change when `reply` runs. Never throws (a failure
  // inside is 5.00).
  void Answer(bool secure, const coap::IncomingRequest& request, Reply reply);
  // The same, waiting for the answer (tests, and callers that may block).
  coap::Message Answer(bool secure, const coap::IncomingRequest& request);
  // Answer, sent through `responder`.
  void Handle(bool secure, const coap::IncomingRequest& request, coap::Responder responder) {
    Answer(secure, request,
           [responder](coap::Message m) mutable { responder.Respond(std::move(m)); });
  }

  // Whether a request for `path` ("/rd/..." or "/rd") belongs to this service.
  static bool Claims(std::string_view path);

  // Loads the registrations the store kept (from before a restart) into the table: those of
  // devices still allowed to register come back online, those whose deadline passed meanwhile
  // expire at once (ExpireDue). Returns how many came back. Call before serving.
  core::Result<std::size_t> Restore();
  // Restores (when not done yet), then starts the thread that expires registrations as their
  // deadlines pass (ExpireDue).
  void StartExpiry();
  // Stops the expiry thread and writes (and answers) what is queued.
  void Stop();
  // Blocks until every change queued so far is committed and answered (tests).
  void Sync() { journal_->Sync(); }

  // Removes every registration whose deadline has passed and marks its device offline.
  // Returns how many expired. Called by the expiry thread; tests with a fake clock call it.
  std::size_t ExpireDue();
  // Drops the registration of a device that was disabled or retired and marks it offline.
  void DropDevice(core::DeviceId device_id);

  const RegistrationTable& registrations() const { return table_; }

 private:
  void Register(bool secure, const coap::IncomingRequest& request, Reply reply);
  // Register, once the endpoint's device is known.
  void FinishRegister(bool secure, RegisterRequest parsed, const coap::Peer& peer,
                      const std::string& identity, core::Result<core::Device> device,
                      Reply reply);
  void Update(bool secure, const std::string& id, const coap::IncomingRequest& request,
              Reply reply);
  void Deregister(bool secure, const std::string& id, const coap::IncomingRequest& request,
                  Reply reply);
  // Whether `device` may register as `endpoint` over this listener (kPermissionDenied).
  core::Result<void> Admit(bool secure, const std::string& endpoint, const core::Device& device,
                           const std::string& identity);
  // The devices of newly seen endpoints, created in one batch (RegistrationJournal).
  std::vector<core::Result<core::Device>> ProvisionDevices(
      const std::vector<std::string>& endpoints);
  void ReportOnline(const Registration& r);
  void ReportOffline(const Registration& r);
  std::string NewId();
  void ExpiryLoop();

  ServerOptions options_;
  core::Registry& registry_;
  core::Store& store_;
  core::Clock& clock_;
  RegistrationTable table_;
  // Held across a table change and the queueing of its write, so the store sees changes in
  // the order the table made them.
  std::mutex change_mu_;
  bool restored_ = false;
  std::unique_ptr<RegistrationJournal> journal_;  // after the table: its callbacks use it
  std::mutex id_mu_;
  std::mt19937_64 id_random_;

  std::mutex expiry_mu_;
  std::condition_variable expiry_cv_;
  bool stopping_ = false;
  std::thread expiry_;
};

}  // namespace custos::lwm2m::server
