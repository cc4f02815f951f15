// Where registration changes become durable without holding a CoAP I/O thread: callers queue
// a change with what to do once it is committed (answer the device), and one thread writes
// everything queued meanwhile in ONE store call — one transaction per batch, however many
// devices register at once. The same thread creates the devices of unknown endpoints that
// auto-provisioning admits, a batch at a time. Internal to lwm2m/server.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/device.h"
#include "core/error.h"
#include "core/lwm2m_registration.h"
#include "core/store.h"

namespace custos::lwm2m::server {

class RegistrationJournal {
 public:
  using Written = std::function<void(core::Result<void>)>;
  using Provisioned = std::function<void(core::Result<core::Device>)>;
  // Finds or creates the device of each endpoint (one result per endpoint, in order), in as
  // few store transactions as it can. Runs on the journal's thread.
  using ProvisionBatch =
      std::function<std::vector<core::Result<core::Device>>(const std::vector<std::string>&)>;

  // At most `max_batch` changes share one store call.
  RegistrationJournal(core::Store& store, ProvisionBatch provision, std::size_t max_batch = 4096);
  ~RegistrationJournal();  // Close
  RegistrationJournal(const RegistrationJournal&) = delete;
  RegistrationJournal& operator=(const RegistrationJournal&) = delete;

  // Queues `change`; `written` (may be empty) runs on the journal's thread once the batch
  // carrying it has committed or failed. Changes are written in the order they are queued.
  // After Close, `written` runs at once with kUnavailable.
  void Write(core::Lwm2mRegistrationChange change, Written written);
  // Queues the endpoint for the next provisioning batch; `then` runs on the journal's thread
  // with its device (and may queue writes).
  void Provision(std::string endpoint, Provisioned then);
  // Blocks until everything queued before it has been written and its callbacks have run.
  void Sync();
  // Writes what is queued (including what its callbacks queue), then stops. Idempotent.
  void Close();

 private:
  struct Entry {
    std::optional<core::Lwm2mRegistrationChange> change;  // none: a Sync marker
    Written written;
  };
  struct Request {
    std::string endpoint;
    Provisioned then;
  };

  void Loop();
  void ProvisionAll(std::vector<Request>& requests);
  void WriteAll(std::vector<Entry>& entries);

  core::Store& store_;
  ProvisionBatch provision_;
  const std::size_t max_batch_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Entry> entries_;
  std::vector<Request> requests_;
  bool closing_ = false;
  std::mutex close_mu_;
  std::thread thread_;  // last: starts after everything above
};

}  // namespace custos::lwm2m::server
