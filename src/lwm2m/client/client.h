// Front door of the LwM2M client (library custos_lwm2m_client): one LwM2M device on the
// CoAP transport, the project's test client and the simulator's device. It registers with
// one LwM2M server, keeps its registration up to date, and answers the Device Management
// and Information Reporting interfaces (TS Core §6.3, §6.4) from an object store with
// plausible built-in objects (Server, Device, Connectivity Monitoring, Firmware Update,
// Location). docs/lwm2m.md, "The test client", describes it. Code outside
// src/lwm2m/client/ includes only this header.
//
// Time: every schedule (Updates before the lifetime runs out, pmin/pmax of observations,
// the battery, queue-mode sleep) is read from a core::Clock and acted on in Tick(), which
// the client's own timer thread calls (ClientOptions::run_timer) or a test calls after
// moving a FakeClock.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coap/transport/endpoint.h"
#include "core/clock.h"
#include "core/error.h"
#include "lwm2m/client/object_store.h"
#include "lwm2m/format/format.h"
#include "lwm2m/lwm2m.h"

namespace custos::lwm2m::client {

struct DeviceInfo {
  std::string manufacturer = "Custos";
  std::string model = "custos-test-device";
  std::string serial = "0001";
  std::string firmware_version = "1.0.0";
  std::int64_t battery_level = 87;      // percent
  std::int64_t memory_free_kib = 4096;  // drifts a little with the battery steps
  std::int64_t memory_total_kib = 8192;
  double latitude = 48.8584;
  double longitude = 2.2945;
};

struct ClientOptions {
  std::string endpoint_name = "custos-client";
  format::Lwm2mVersion version = format::Lwm2mVersion::kV1_1;
  std::int64_t lifetime_s = 300;
  std::string binding = "U";
  bool queue_mode = false;
  // How long a queue-mode client stays awake after each Register or Update.
  std::chrono::milliseconds queue_awake{93'000};
  // DTLS PSK; with an identity the server is spoken to over DTLS.
  std::string psk_identity;
  std::vector<std::uint8_t> psk_key;
  // Our own CoAP listener ("127.0.0.1:0": any free port).
  std::string listen = "127.0.0.1:0";
  coap::TransmissionParams transmission;
  DeviceInfo device;
  // The battery moves one step (1% down while discharging, 5% up while charging between
  // 10% and 100%) per this much clock time; zero freezes it.
  std::chrono::milliseconds battery_step{60'000};
  // Where a downloaded or pushed firmware package goes; empty: a temporary directory.
  std::filesystem::path firmware_dir;
  // Makes every firmware update fail (Update Result 8) after the reboot.
  bool fail_firmware_update = false;
  // The Update Result such a failure reports (5: integrity check failure, ...).
  std::int64_t firmware_failure_result = 8;
  // Notifications go as CON (true) or NON.
  bool confirmable_notifications = true;
  // Start a thread that calls Tick() every `tick_interval` of real time.
  bool run_timer = true;
  std::chrono::milliseconds tick_interval{100};
  // Largest request body the client assembles (a firmware package pushed with Block1).
  std::size_t max_body = 16 << 20;
  // OMA DDF XML files whose objects the client may hold besides the built-in ones (AddInstance
  // of, say, 3303); empty: none.
  std::filesystem::path models_dir;
};

// What the client did, for logs and tests: "register 2.01", "read /3/0 2.05", ...
using ActivityLog = std::function<void(const std::string& line)>;

class Client {
 public:
  // Starts a client with its own CoAP endpoint; it does not register until Register().
  // `server` is "coap://host:port" or "coaps://host:port". `clock` must outlive it.
  static core::Result<std::unique_ptr<Client>> Start(ClientOptions options, std::string server,
                                                     core::Clock& clock = core::SystemClock());
  virtual ~Client() = default;  // stops the timer and the endpoint (no De-register)

  // Sends Register and waits for the answer (at most `timeout`): kPermissionDenied when
  // the server refused (4.03), kInvalidArgument for 4.00, kTimeout, kUnavailable.
  virtual core::Result<void> Register(
      std::chrono::milliseconds timeout = std::chrono::seconds(30)) = 0;
  // Sends an Update now (with the object list when `with_objects`), waiting for its answer.
  virtual core::Result<void> Update(
      bool with_objects = false, std::chrono::milliseconds timeout = std::chrono::seconds(30)) = 0;
  virtual core::Result<void> Deregister(
      std::chrono::milliseconds timeout = std::chrono::seconds(30)) = 0;
  // LwM2M 1.1+: Send (POST /dp) of the values at `paths` in SenML CBOR, waiting for 2.04.
  virtual core::Result<void> Send(const std::vector<Path>& paths,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(30)) = 0;

  // Acts on everything due at the clock's time: Update before the lifetime runs out,
  // notifications whose pmin passed or pmax is due, battery steps, a pending reboot after
  // a firmware update or Reboot, queue-mode sleep. Any thread.
  virtual void Tick() = 0;
  // Queue mode: whether the client sleeps (answers nothing) now; Wake() sends an Update.
  virtual bool sleeping() const = 0;
  virtual core::Result<void> Wake() = 0;

  // The device's own changes (the application's), notified to observers.
  virtual core::Result<void> SetValue(const Path& path, Value value) = 0;
  virtual std::optional<Value> GetValue(const Path& path) const = 0;
  // Adds an instance of an object the model knows (adding the object if needed), with
  // initial values; an action for executable resources of it is set with SetAction.
  virtual core::Result<void> AddInstance(std::uint16_t object, std::uint16_t instance,
                                         const std::vector<Record>& values = {}) = 0;
  virtual void SetAction(const Path& resource, ExecuteAction action) = 0;
  // Called after Execute /3/0/4 (Reboot) and /3/0/5 (Factory Reset), before the client
  // "reboots" (registers again).
  virtual void OnReboot(std::function<void()> callback) = 0;
  virtual void OnFactoryReset(std::function<void()> callback) = 0;
  virtual void SetActivityLog(ActivityLog log) = 0;

  virtual bool registered() const = 0;
  // The registration's location ("/rd/abc"), empty when not registered.
  virtual std::string location() const = 0;
  // Registers sent (the first and each after a reboot) and Updates sent.
  virtual int registrations() const = 0;
  virtual int updates() const = 0;
  virtual std::size_t observations() const = 0;
  virtual std::uint16_t port() const = 0;
};

}  // namespace custos::lwm2m::client
