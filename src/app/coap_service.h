// The server's CoAP listeners: plain UDP (coap.listen) and DTLS 1.2 with pre-shared keys
// (coaps.listen), their /metrics, and the PSK lookup into the device registry. The LwM2M
// server takes the requests it claims (the registration interface under /rd, Send on /dp);
// every other request but GET /.well-known/core is answered 4.04. Its device manager sends
// device management requests over the listener each device registered on, and is told of
// every Register, Update and De-register.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/config.h"
#include "coap/transport/endpoint.h"
#include "core/core.h"
#include "firmware/firmware.h"
#include "lwm2m/server/server.h"
#include "metrics/metrics.h"

namespace custos::app {

// The key of an active "psk" credential whose device may connect (neither disabled nor
// retired), or nullopt. Called during DTLS handshakes.
std::optional<std::vector<std::uint8_t>> LookupDevicePsk(core::Store& store,
                                                         const core::FleetState& fleet,
                                                         std::string_view identity);

class CoapService {
 public:
  // Starts the listeners the configuration names, with the LwM2M server on both, and
  // registers their metrics. A device that is disabled or retired loses its LwM2M
  // registration and its DTLS sessions at once (its PSK identities are closed on the CoAPS
  // listener).
  static core::Result<std::unique_ptr<CoapService>> Start(
      const Config& config, core::Store& store, core::Registry& registry, core::EventBus& events,
      metrics::Registry& metrics, const lwm2m::server::ServerOptions& lwm2m = {});
  ~CoapService();
  void Stop();

  // "coap://127.0.0.1:5683" and "coaps://127.0.0.1:5684" for the listeners that run.
  std::vector<std::string> Urls() const;

  // Serves GET /fw/{id} from `library` on both listeners from now on (null: 4.04 again).
  void ServeFirmware(const firmware::Library* library) { firmware_ = library; }

  // LwM2M device management of the registered devices; lives as long as this service.
  lwm2m::server::DeviceManager* devices() { return devices_.get(); }
  // The listener's endpoint a registration made over DTLS (`secure`) or plain CoAP is
  // reached through, or nullptr when that listener does not run; lives until Stop.
  coap::Endpoint* endpoint(bool secure) { return secure ? dtls_.get() : udp_.get(); }
  // The LwM2M registrations; lives as long as this service.
  const lwm2m::server::RegistrationTable& registrations() const {
    return registrations_->registrations();
  }
  // Called with the device after each Register and Update it answered (the device is awake
  // and listening). Cleared by Stop.
  void OnContact(std::function<void(core::DeviceId)> contact);

 private:
  CoapService(core::Store& store, metrics::Registry& metrics) : store_(store), metrics_(metrics) {}
  void RegisterMetrics();
  // Drops the registrations and closes the DTLS sessions of devices as they are disabled or
  // retired.
  void CloseSessionsOfBarredDevices();
  // Routes a request to the LwM2M server when it claims the path.
  void Dispatch(bool secure, coap::IncomingRequest request, coap::Responder responder);
  // Answers a registration request and tells the device manager what it did.
  void DispatchRegistration(bool secure, const coap::IncomingRequest& request,
                            coap::Responder responder);

  core::Store& store_;
  metrics::Registry& metrics_;
  std::shared_ptr<core::EventSubscription> barred_;
  std::atomic<bool> stopping_{false};
  std::thread session_closer_;
  std::unique_ptr<lwm2m::server::RegistrationService> registrations_;
  lwm2m::ObjectRegistry objects_;
  // Before the endpoints: they stop (and finish their callbacks into it) first.
  std::unique_ptr<lwm2m::server::DeviceManager> devices_;
  std::unique_ptr<coap::Endpoint> udp_;
  std::unique_ptr<coap::Endpoint> dtls_;
  std::string udp_host_;
  std::string dtls_host_;
  bool stopped_ = false;
  std::atomic<const firmware::Library*> firmware_{nullptr};
  // Set while the listeners run, so under a lock of its own.
  std::mutex contact_mu_;
  std::function<void(core::DeviceId)> contact_;
  void Contact(core::DeviceId device);
};

}  // namespace custos::app
