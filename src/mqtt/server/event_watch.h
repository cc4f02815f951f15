// The server's eye on the EventBus: a device retired, deleted or disabled loses its live
// connection at once, and operators subscribed to "events/..." get each event. One thread.
// Internal to the mqtt/server module.
#pragma once

#include <atomic>
#include <memory>
#include <thread>

#include "mqtt/server/context.h"

namespace custos::mqtt::server {

class EventWatch {
 public:
  explicit EventWatch(ServerContext& ctx) : ctx_(ctx) {}
  ~EventWatch() { Stop(); }

  void Start();
  // Idempotent.
  void Stop();

 private:
  void Run();
  void Handle(const core::Event& event);
  // After events were lost: checks every connected device against the fleet state.
  void Recheck();
  void KickDevice(core::DeviceId device, bool end_session);
  void Forward(const core::Event& event);

  ServerContext& ctx_;
  std::shared_ptr<core::EventSubscription> subscription_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace custos::mqtt::server
