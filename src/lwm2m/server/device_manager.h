// Device management of registered LwM2M devices (TS Core §6.3 Device Management and Service
// Enablement, §6.4 Information Reporting): Read, Discover, Write, Write-Attributes, Execute,
// Create, Delete, the composite operations, Observe and Cancel-Observation sent to a device
// over its registration's peer and listener, and Send (POST /dp) from it. Answers come back
// as the typed JSON of the object model; notifications and Sends go on the event stream and
// into the device model. docs/lwm2m.md, "Device management from the REST API", describes it.
//
// Every operation is asynchronous: its Reply runs once, on a CoAP I/O thread (or the
// caller's, for an immediate refusal), and must not block. Store work (the device model)
// runs on the manager's own writer thread, never on an I/O thread.
#pragma once

#include <atomic>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "coap/transport/endpoint.h"
#include "core/clock.h"
#include "core/event.h"
#include "core/lwm2m_observation.h"
#include "lwm2m/model/model.h"
#include "lwm2m/server/dm_types.h"
#include "lwm2m/server/model_writer.h"
#include "lwm2m/server/observations.h"
#include "lwm2m/server/registration_table.h"

namespace custos::core {
class Store;
}  // namespace custos::core

namespace custos::lwm2m::server {

// Which paths a device's model is filled from after it registers (Read) and kept current by
// (Observe). Only paths whose object the device declared are used.
struct DeviceProfile {
  std::vector<Path> read;
  std::vector<Path> observe;
};
// The built-in default: read /3/0, /4/0, /6/0; observe /3/0/9 (battery) and /3/0/11 (errors).
DeviceProfile DefaultProfile();

struct ManagementOptions {
  // How long a request may take before it fails with kTimeout (the REST API's 504).
  std::chrono::milliseconds request_timeout{10'000};
};

// What the manager asks of the rest of the server; both run on the writer thread.
struct ManagementHooks {
  // Merges a patch into the device's reported state, which feeds identity and health
  // (twin::DeviceStates::ApplyReported). Unset: nothing is stored.
  std::function<void(core::DeviceId, const boost::json::object& patch)> apply_reported;
  // The profile of a device (chosen by its lwm2m-profile label). Unset: DefaultProfile().
  std::function<DeviceProfile(core::DeviceId)> profile;
  // Where observations are kept across a restart (core/lwm2m_observation.h says what is
  // written when); used on the writer thread and by RestoreObservations. Unset: in memory.
  core::Store* observation_store = nullptr;
};

// The CoAP endpoint carrying requests to registrations made on the plain (`secure` false)
// or DTLS listener; nullptr when that listener does not run.
using EndpointFor = std::function<coap::Endpoint*(bool secure)>;

using Reply = std::function<void(DmResult<boost::json::value>)>;

// One operation as the REST API and the CLI name it; see DeviceManager::Call.
struct ManagementCall {
  enum class Kind {
    kRead,
    kDiscover,
    kWrite,
    kWritePartial,
    kWriteAttributes,
    kExecute,
    kCreate,
    kDelete,
    kReadComposite,
    kWriteComposite,
    kObserve,
    kObservations,
    kCancelObservation,
  };
  Kind kind = Kind::kRead;
  core::DeviceId device = 0;
  std::string path;                // "/3/0/1"; unused by the composite ones
  std::vector<std::string> paths;  // Read-Composite, Observe
  boost::json::value body;         // Write, Create, Write-Composite (typed JSON), attributes
  std::string format;              // Read: "tlv", "senml-cbor", ...; "" chooses
  std::string arguments;           // Execute
  std::string observation;         // Cancel-Observation
  bool active = true;              // Cancel-Observation: tell the device
};

class DeviceManager {
 public:
  DeviceManager(ManagementOptions options, const RegistrationTable& registrations,
                EndpointFor endpoints, const ObjectRegistry& objects, core::EventBus& events,
                core::Clock& clock, ManagementHooks hooks = {});
  ~DeviceManager();  // stops the writer thread; observations are forgotten (passive)

  // The operations. `path` is relative to the device's root path. A device without a
  // registration fails with kConflict, reason "device_not_registered".
  // Read answers the node at `path` ({"path", ...}); `format` overrides ChooseFormat.
  void Read(core::DeviceId device, const Path& path, std::optional<format::ContentFormat> format,
            Reply reply);
  // {"path", "links": [{"path", "attributes": {...}}]}.
  void Discover(core::DeviceId device, const Path& path, Reply reply);
  // Replace (PUT) or, `partial`, update (POST) with a typed JSON node or bare value at
  // `path`, checked against the model first. Answers {"path", "code": "2.04"}.
  void Write(core::DeviceId device, const Path& path, const boost::json::value& value, bool partial,
             Reply reply);
  void WriteAttributes(core::DeviceId device, const Path& path,
                       const NotificationAttributes& attributes, Reply reply);
  // `arguments` as TS Core §5.4.4 writes them ("0='v',1"); a resource path only.
  void Execute(core::DeviceId device, const Path& path, std::string arguments, Reply reply);
  // Creates an instance of the object at `object` from an instance node (with its "id") or
  // an object node; answers {"path": the new instance} from the device's Location-Path.
  void Create(core::DeviceId device, const Path& object, const boost::json::value& value,
              Reply reply);
  void Delete(core::DeviceId device, const Path& path, Reply reply);
  // FETCH with the paths; answers the root node ({"path": "/", "objects": [...]}).
  void ReadComposite(core::DeviceId device, std::vector<Path> paths, Reply reply);
  // iPATCH with the root node's records.
  void WriteComposite(core::DeviceId device, const boost::json::value& value, Reply reply);
  // Observe (one path, GET) or Observe-Composite (several, FETCH). Answers the observation
  // ({"id", "paths", "started_at", "value"}) once the device accepted it and, with an
  // observation store, once it is written; every later notification is published as
  // lwm2m.notification and applied to the device model.
  void Observe(core::DeviceId device, std::vector<Path> paths, Reply reply);
  // Active (the device is told) or passive (its next notification gets RST).
  void CancelObservation(core::DeviceId device, const std::string& id, bool active, Reply reply);
  // {"observations": [...]} for the device.
  boost::json::value ListObservations(core::DeviceId device) const;

  // After a restart, once the registrations are restored and the endpoints run: takes the
  // stored observations back under their ids and has the endpoint adopt each by peer and
  // token, so the device's next notification is routed as before. An observation whose
  // device has no registration on the same listener any more is dropped from the store. Ids
  // of later observations come above every stored one. Returns how many came back.
  core::Result<std::size_t> RestoreObservations();
  // Before the endpoints stop: writes every observation with its last value, then stops
  // writing observation changes, since the ends that stopping the endpoints causes are not
  // ends the device asked for and the next start adopts them again. Blocks until written.
  void SaveObservationsForRestart();

  // Runs `call` and waits for its answer, at most request_timeout (then kTimeout). Text is
  // parsed here: kInvalidArgument for a bad path, format or body. Blocks: call it from a
  // worker thread, never an I/O thread.
  DmResult<boost::json::value> Call(const ManagementCall& call);
  // Starts `call` without waiting: `reply` runs once with the answer, a parse failure
  // (kInvalidArgument) or a refusal, as for the operation the call names. Never blocks.
  void Start(const ManagementCall& call, Reply reply);

  // The registration interface tells the manager what it did. A new registration: earlier
  // observations are forgotten, then the profile is read and observed. An Update: a contact,
  // and when the object list changed, the profile again. A de-registration: observations
  // forgotten.
  void OnRegistered(const Registration& registration);
  void OnUpdated(const Registration& before, const Registration& after);
  void OnDeregistered(core::DeviceId device);

  // Whether a request path belongs to the manager (POST /dp, the Send operation).
  static bool Claims(std::string_view path);
  // Answers a Send: 2.04 with its values published as lwm2m.send and applied to the device
  // model; 4.03 from a peer with no registration, 4.05 from a 1.0 device or for a method
  // other than POST, 4.15 for a format Send does not use, 4.00 for a bad payload.
  coap::Message AnswerSend(bool secure, const coap::IncomingRequest& request);

  // Waits until the writer thread has run everything posted so far (tests).
  void Drain();

 private:
  // A registration resolved for one request.
  struct Target {
    Registration registration;
    coap::Endpoint* endpoint = nullptr;
    DeclaredVersions versions;
    TypeResolver types;
  };
  struct TargetRecords {
    Target target;
    std::vector<Record> records;
  };
  using RecordsReply = std::function<void(DmResult<TargetRecords>)>;

  DmResult<Target> Resolve(core::DeviceId device) const;
  void Send(const Target& target, coap::Message request, Reply reply,
            std::function<DmResult<boost::json::value>(const coap::Message&)> ok);
  DmResult<std::vector<Record>> DecodeRecords(const Target& target, const Path& base,
                                              const coap::Message& answer) const;
  boost::json::value Typed(const Target& target, const Path& base,
                           const std::vector<Record>& records) const;
  void ReadRecords(core::DeviceId device, const Path& path,
                   std::optional<format::ContentFormat> format, RecordsReply reply);
  // The records of a Write-Composite's root node, checked against the model.
  DmResult<std::vector<Record>> CompositeRecords(const Target& target,
                                                 const boost::json::value& value) const;
  DmResult<coap::Message> CompositeRequest(const Target& target,
                                           const std::vector<Path>& paths) const;
  // The GET (one path) or FETCH (several) with Observe 0 that registers an observation.
  DmResult<coap::Message> ObserveRequest(const Target& target,
                                         const std::vector<Path>& paths) const;
  // Queues `changes` for the observation store on the writer thread, unless stopped.
  void SaveObservations(std::vector<core::Lwm2mObservationChange> changes);
  // Writes the accepted observation, then runs `then` (on the writer thread; at once without
  // a store).
  void SaveAccepted(const Observation& observation, std::function<void()> then);
  // Adds `changes` (and `then`, run once they are stored) to the next observation transaction.
  void QueueObservationSaves(std::vector<core::Lwm2mObservationChange> changes,
                             std::function<void()> then);
  void WritePendingObservationSaves();
  void SaveRemoved(const std::string& id);
  void OnNotification(const Target& target, const std::string& id, Reply& first,
                      core::Result<coap::Message> message);
  // Queues the device's reported values for the model. Values of one device that arrive
  // while the writer is busy are merged (later ones win), so that a fleet reporting faster
  // than the store takes it costs one write per device, not per notification.
  void ApplyRecords(core::DeviceId device, const std::vector<Record>& records);
  void ApplyPendingModels();
  void Forget(std::vector<Observation> observations);
  void NoteContact(const Registration& registration);
  void FillModel(const Registration& registration);

  ManagementOptions options_;
  const RegistrationTable& registrations_;
  EndpointFor endpoints_;
  const ObjectRegistry& objects_;
  core::EventBus& events_;
  core::Clock& clock_;
  ManagementHooks hooks_;
  ObservationTable observations_;
  std::atomic<bool> saving_observations_{true};
  // Who sent a request from where, for Send: (secure, peer) to device.
  mutable std::mutex contacts_mu_;
  std::map<std::pair<bool, coap::Peer>, core::DeviceId> contacts_;
  // Observation changes waiting for the writer: whatever gathers while one transaction is
  // written goes in the next one (a campaign observes 100,000 devices at once), and what
  // waits for them runs after it.
  std::mutex saves_mu_;
  std::vector<core::Lwm2mObservationChange> pending_saves_;
  std::vector<std::function<void()>> after_saves_;
  bool saves_posted_ = false;
  // Reported values waiting for the writer, merged by device.
  std::mutex models_mu_;
  std::map<core::DeviceId, boost::json::object> pending_models_;
  bool models_posted_ = false;
  // Observation saves have a writer of their own: an observation's answer waits for its
  // save, and must not wait behind a backlog of model updates.
  ModelWriter saves_writer_;
  ModelWriter writer_;  // last: stops first
};

}  // namespace custos::lwm2m::server
