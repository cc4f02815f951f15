// The event bus: device lifecycle and connectivity events, fanned out to live subscribers
// (the SSE stream) with a bounded replay buffer so a reconnecting client can resume from the
// last event id it saw. Publishing never blocks on a slow subscriber: a subscriber whose queue
// is full loses the oldest events and is told how many it missed.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/device.h"

namespace custos::core {

// Types: "device.created", "device.updated", "device.deleted", "device.disabled",
// "device.enabled", "device.retired", "device.imported", "device.online", "device.offline",
// "device.state.desired", "device.state.reported", "device.telemetry", "device.log",
// "operation.progress", "group.created", "group.updated", "group.deleted",
// "operation.created", "operation.updated" (ops/ops.h: one per operation transition).
// "campaign.created", "campaign.updated" (campaign/campaign.h).
struct Event {
  std::uint64_t seq = 0;   // assigned by the bus, strictly increasing
  TimeMs at = 0;
  std::string type;
  DeviceId device_id = 0;  // 0 when the event is not about one device
  std::string data_json = "{}";
};

struct EventFilter {
  std::set<DeviceId> device_ids;   // empty: any device
  std::vector<std::string> types;  // empty: any; an entry ending in '*' is a prefix
  bool Accepts(const Event& e) const;
};

class EventSubscription;

class EventBus {
 public:
  explicit EventBus(Clock& clock, std::size_t replay_capacity = 4096,
                    std::size_t subscriber_capacity = 1024);
  ~EventBus();

  // Stamps seq and time, keeps it for replay and hands it to every matching subscriber.
  void Publish(Event event);

  // A new subscription. With `after_seq`, first replays kept events with seq > after_seq.
  std::shared_ptr<EventSubscription> Subscribe(EventFilter filter,
                                               std::optional<std::uint64_t> after_seq = {});
  // Called whenever any subscription gets an event; lets an async edge wake its waiters.
  std::uint64_t LastSeq() const;
  std::size_t SubscriberCount() const;

  // Ends every subscription (their Next() returns nullopt at once); used at shutdown.
  void Close();

 private:
  friend class EventSubscription;
  void Remove(EventSubscription* s);

  Clock& clock_;
  std::size_t replay_capacity_;
  std::size_t subscriber_capacity_;
  mutable std::mutex mu_;
  std::uint64_t next_seq_ = 1;
  std::deque<Event> replay_;
  std::vector<EventSubscription*> subscribers_;
  bool closed_ = false;
};

class EventSubscription {
 public:
  EventSubscription(EventBus& bus, EventFilter filter, std::size_t capacity);
  ~EventSubscription();

  // Waits up to `timeout_ms` for the next event. nullopt on timeout or when closed.
  std::optional<Event> Next(int timeout_ms);
  // Events dropped because this subscriber fell behind; reset on read.
  std::uint64_t TakeDropped();
  bool Closed() const;
  // Registers a callback run (on the publisher's thread, briefly) when an event arrives.
  void SetNotifier(std::function<void()> notify);

 private:
  friend class EventBus;
  void Deliver(const Event& e);  // called with bus mutex held
  void Close();

  EventBus* bus_;
  EventFilter filter_;
  std::size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> queue_;
  std::uint64_t dropped_ = 0;
  bool closed_ = false;
  std::function<void()> notify_;
};

}  // namespace custos::core
