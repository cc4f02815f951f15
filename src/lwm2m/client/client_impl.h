// The Client behind the front door: its state under one mutex, and the parts of it that
// live in separate files (registration.cc, dm_requests.cc, observations.cc, firmware.cc,
// device_objects.cc). Internal to src/lwm2m/client/.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "coap/transport/endpoint.h"
#include "lwm2m/client/client.h"
#include "lwm2m/client/object_store.h"
#include "lwm2m/format/format.h"
#include "lwm2m/model/model.h"

namespace custos::lwm2m::client {

// An observation of us by the server (Observe or Observe-Composite).
struct Observation {
  coap::Notifier notifier;
  std::vector<Path> paths;
  bool composite = false;
  format::ContentFormat format = format::ContentFormat::kTlv;
  core::TimeMs last_sent = 0;
  bool dirty = false;                // a value under it changed since the last notification
  std::optional<double> last_value;  // of a single numeric resource, for gt, lt and st
};

// What Tick() still has to do outside the handlers (which must not block).
enum class PendingRestart { kNone, kReboot, kFactoryReset, kFirmware };

class ClientImpl final : public Client {
 public:
  ClientImpl(ClientOptions options, coap::Peer server, bool secure, core::Clock& clock);
  ~ClientImpl() override;
  core::Result<void> Open();  // starts the endpoint and the timer

  core::Result<void> Register(std::chrono::milliseconds timeout) override;
  core::Result<void> Update(bool with_objects, std::chrono::milliseconds timeout) override;
  core::Result<void> Deregister(std::chrono::milliseconds timeout) override;
  core::Result<void> Send(const std::vector<Path>& paths,
                          std::chrono::milliseconds timeout) override;
  void Tick() override;
  bool sleeping() const override;
  core::Result<void> Wake() override;
  core::Result<void> SetValue(const Path& path, Value value) override;
  std::optional<Value> GetValue(const Path& path) const override;
  core::Result<void> AddInstance(std::uint16_t object, std::uint16_t instance,
                                 const std::vector<Record>& values) override;
  void SetAction(const Path& resource, ExecuteAction action) override;
  void OnReboot(std::function<void()> callback) override;
  void OnFactoryReset(std::function<void()> callback) override;
  void SetActivityLog(ActivityLog log) override;
  bool registered() const override;
  std::string location() const override;
  int registrations() const override;
  int updates() const override;
  std::size_t observations() const override;
  std::uint16_t port() const override { return endpoint_ ? endpoint_->port() : 0; }

 private:
  using Done = std::function<void(core::Result<void>)>;

  // registration.cc
  coap::Message RegisterMessage() const;
  coap::Message UpdateMessage(bool with_objects) const;
  std::string ObjectLinks() const;
  void StartRegister(Done done);
  void StartUpdate(bool with_objects, Done done);
  void StartDeregister(Done done);
  void ScheduleUpdate(core::TimeMs now);
  void WakeUp(core::TimeMs now);
  core::Result<void> Wait(const std::function<void(Done)>& start,
                          std::chrono::milliseconds timeout);

  // dm_requests.cc: the Device Management interface.
  void Handle(coap::IncomingRequest request, coap::Responder responder);
  coap::Message Dispatch(const coap::IncomingRequest& request, coap::Responder& responder);
  coap::Message ReadOrObserve(const coap::Message& request, const Path& path,
                              coap::Responder& responder);
  coap::Message Discover(const Path& path) const;
  coap::Message WriteAttributes(const Path& path, const std::vector<std::string>& query);
  coap::Message Write(const coap::Message& request, const Path& path, bool replace);
  coap::Message PostTo(const coap::Message& request, const Path& path);
  coap::Message Composite(const coap::Message& request, coap::Responder& responder);
  coap::Message WriteComposite(const coap::Message& request);
  // The content format to answer a read of `paths` in; nullopt: 4.06.
  std::optional<format::ContentFormat> ReadFormat(const coap::Message& request,
                                                  bool composite) const;
  core::Result<std::vector<std::uint8_t>> Encode(format::ContentFormat format,
                                                 const std::vector<Path>& paths,
                                                 bool composite) const;
  // After a Write by the server: the resources whose writes do something.
  void AfterWrite(const Path& path);

  // observations.cc: Information Reporting.
  coap::Notifier Accept(coap::Responder& responder, Observation observation);
  void OnValueChanged(const Path& path);
  void ProcessObservations(core::TimeMs now);
  bool Due(Observation& observation, core::TimeMs now);
  format::Attributes EffectiveAttributes(const Path& path) const;
  void EndObservations();

  // firmware.cc: Object 5.
  // Notes the download a write of the Package URI asks for; BeginDownload starts it once
  // the handler has let go of the mutex.
  void StartDownload(const std::string& uri);
  void BeginDownload();
  void StorePackage(const std::vector<std::uint8_t>& bytes);
  core::Result<void> ExecuteFirmwareUpdate();
  void FinishFirmwareUpdate();
  void SetFirmwareState(std::int64_t state, std::optional<std::int64_t> result);

  // device_objects.cc: the built-in objects and the battery.
  void AddBuiltinObjects();
  void StepBattery();

  void Log(const std::string& line) const;
  void Restart(PendingRestart what);
  void TimerLoop();

  ClientOptions options_;
  coap::Peer server_;
  bool secure_;
  core::Clock& clock_;
  ObjectRegistry registry_;

  mutable std::mutex mu_;
  ObjectStore store_;
  std::map<Path, format::Attributes> attributes_;
  std::map<std::uint64_t, Observation> observations_;
  std::uint64_t next_observation_ = 1;
  std::string location_;
  bool registered_ = false;
  bool registering_ = false;
  int registrations_ = 0;
  int updates_ = 0;
  core::TimeMs next_update_ = 0;
  bool update_requested_ = false;
  core::TimeMs awake_until_ = 0;
  bool sleeping_ = false;
  core::TimeMs next_battery_ = 0;
  bool charging_ = false;
  PendingRestart pending_ = PendingRestart::kNone;
  std::filesystem::path package_file_;
  std::string pending_download_;  // "coap://host:port" of a download to start
  std::string pending_download_path_;
  std::function<void()> on_reboot_;
  std::function<void()> on_factory_reset_;
  ActivityLog log_;

  std::unique_ptr<coap::Endpoint> endpoint_;
  std::mutex timer_mu_;
  std::condition_variable timer_cv_;
  bool stopping_ = false;
  std::thread timer_;
};

// "coap://host:port" or "coaps://host:port" (IPv4, a name, or [IPv6]); the port defaults to
// 5683 and 5684. The peer and whether it is coaps; kInvalidArgument otherwise.
core::Result<std::pair<coap::Peer, bool>> ParseServerUrl(std::string_view url);

// Maps an error of the object store to the CoAP response code of TS Core §6.3.
coap::Code CodeFor(const core::Error& error);
coap::Message Reply(coap::Code code, std::string_view diagnostic = {});

}  // namespace custos::lwm2m::client
