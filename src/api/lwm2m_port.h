// What the REST API asks of the LwM2M server: device management of registered devices
// (docs/api.md, "LwM2M device management"). An interface, so that the api module holds no
// LwM2M code; the app gives the server one (Services::lwm2m).
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <tl/expected.hpp>
#include <vector>

#include "core/core.h"

namespace custos::api {

// One operation on one device; the LwM2M side parses and checks the text.
struct Lwm2mCall {
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
  std::string path;                // "/3/0/1"
  std::vector<std::string> paths;  // Read-Composite, Observe
  boost::json::value body;         // typed JSON (Write, Create, Write-Composite) or attributes
  std::string format;              // Read: "tlv", "senml-cbor", ... ; "" lets the server choose
  std::string arguments;           // Execute
  std::string observation;         // Cancel-Observation
  bool active = true;              // Cancel-Observation: tell the device
};

// Why it failed, ready for HTTP: the status, the error code of the body ("coap_error",
// "device_not_registered", "timeout", ...) and the device's CoAP code when it answered one.
struct Lwm2mFailure {
  int status = 500;
  std::string code;
  std::string message;
  std::string coap_code;
};

class Lwm2mPort {
 public:
  virtual ~Lwm2mPort() = default;
  // Runs `call` and waits for its answer (the configured request timeout at most: then 504).
  // Blocks: the handlers call it on the worker pool.
  virtual tl::expected<boost::json::value, Lwm2mFailure> Call(const Lwm2mCall& call) = 0;

  // Queue mode (docs/lwm2m.md, "Queue mode"). Whether the device is registered in queue mode
  // and asleep now (not within lwm2m.queue_awake_s of its last Register or Update), so that
  // a request sent now would go unanswered.
  virtual bool Asleep(core::DeviceId device) = 0;
  // Holds `call` for the sleeping device as an operation of the engine, requested by `actor`,
  // that goes out when the device next registers or updates; its deadline is `timeout_ms`
  // from now (unset: lwm2m.queue_deadline_s). Fails with 409 "not_queueable" for a call that
  // cannot wait (observe, cancel-observation), 429 "queue_full" when the device already has
  // lwm2m.queue_max_per_device unfinished operations, 503 when operations do not run, and
  // the engine's refusal otherwise.
  virtual tl::expected<core::Operation, Lwm2mFailure> Enqueue(
      const Lwm2mCall& call, const core::Actor& actor, std::optional<std::int64_t> timeout_ms) = 0;
};

}  // namespace custos::api
