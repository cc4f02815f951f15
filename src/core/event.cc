#include "core/event.h"

#include <algorithm>
#include <chrono>

namespace custos::core {

bool EventFilter::Accepts(const Event& e) const {
  if (!device_ids.empty() && device_ids.count(e.device_id) == 0) return false;
  if (types.empty()) return true;
  for (const auto& t : types) {
    if (!t.empty() && t.back() == '*') {
      std::string_view prefix(t.data(), t.size() - 1);
      if (std::string_view(e.type).substr(0, prefix.size()) == prefix) return true;
    } else if (t == e.type) {
      return true;
    }
  }
  return false;
}

EventBus::EventBus(Clock& clock, std::size_t replay_capacity, std::size_t subscriber_capacity)
    : clock_(clock), replay_capacity_(replay_capacity),
      subscriber_capacity_(subscriber_capacity) {}

EventBus::~EventBus() { Close(); }

void EventBus::Publish(Event event) {
  std::lock_guard lock(mu_);
  if (closed_) return;
  event.seq = next_seq_++;
  if (event.at == 0) event.at = clock_.Now();
  for (auto* s : subscribers_) s->Deliver(event);
  replay_.push_back(std::move(event));
  while (replay_.size() > replay_capacity_) replay_.pop_front();
}

std::shared_ptr<EventSubscription> EventBus::Subscribe(EventFilter filter,
                                                       std::optional<std::uint64_t> after_seq) {
  auto sub = std::make_shared<EventSubscription>(*this, std::move(filter), subscriber_capacity_);
  std::lock_guard lock(mu_);
  if (closed_) {
    sub->Close();
    return sub;
  }
  if (after_seq) {
    for (const auto& e : replay_) {
      if (e.seq > *after_seq) sub->Deliver(e);
    }
  }
  subscribers_.push_back(sub.get());
  return sub;
}

std::uint64_t EventBus::LastSeq() const {
  std::lock_guard lock(mu_);
  return next_seq_ - 1;
}

std::size_t EventBus::SubscriberCount() const {
  std::lock_guard lock(mu_);
  return subscribers_.size();
}

void EventBus::Close() {
  std::lock_guard lock(mu_);
  if (closed_) return;
  closed_ = true;
  for (auto* s : subscribers_) {
    s->Close();
  }
  subscribers_.clear();
}

void EventBus::Remove(EventSubscription* s) {
  std::lock_guard lock(mu_);
  subscribers_.erase(std::remove(subscribers_.begin(), subscribers_.end(), s),
                     subscribers_.end());
}

EventSubscription::EventSubscription(EventBus& bus, EventFilter filter, std::size_t capacity)
    : bus_(&bus), filter_(std::move(filter)), capacity_(capacity) {}

EventSubscription::~EventSubscription() {
  // bus_ is cleared under the bus mutex when the bus closes first.
  EventBus* bus = nullptr;
  {
    std::lock_guard lock(mu_);
    bus = bus_;
  }
  if (bus != nullptr) bus->Remove(this);
}

void EventSubscription::Deliver(const Event& e) {
  if (!filter_.Accepts(e)) return;
  std::function<void()> notify;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    if (queue_.size() >= capacity_) {
      queue_.pop_front();
      ++dropped_;
    }
    queue_.push_back(e);
    notify = notify_;
  }
  cv_.notify_one();
  if (notify) notify();
}

std::optional<Event> EventSubscription::Next(int timeout_ms) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
               [&] { return closed_ || !queue_.empty(); });
  if (queue_.empty()) return std::nullopt;
  Event e = std::move(queue_.front());
  queue_.pop_front();
  return e;
}

std::uint64_t EventSubscription::TakeDropped() {
  std::lock_guard lock(mu_);
  return std::exchange(dropped_, 0);
}

bool EventSubscription::Closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

void EventSubscription::SetNotifier(std::function<void()> notify) {
  bool pending = false;
  {
    std::lock_guard lock(mu_);
    notify_ = std::move(notify);
    pending = !queue_.empty() || closed_;
  }
  if (pending && notify_) notify_();
}

void EventSubscription::Close() {
  std::function<void()> notify;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    bus_ = nullptr;  // the bus is closing: it forgets this subscription itself
    notify = notify_;
  }
  cv_.notify_all();
  if (notify) notify();
}

}  // namespace custos::core
