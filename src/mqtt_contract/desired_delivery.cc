// Desired state on its way to devices: on every change, on every (re)connect until
// acknowledged, and again while a connected device has not subscribed yet.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>
#include <vector>

#include "mqtt_contract/contract.h"

namespace custos::mqtt_contract {
namespace {

namespace json = boost::json;
namespace ms = mqtt::server;

// How often pending deliveries are tried, and how long the thread waits when none are.
constexpr int kRetryIntervalMs = 100;
constexpr int kIdleWaitMs = 250;

ms::Message JsonMessage(std::string topic, const std::string& text) {
  ms::Message m;
  m.topic = std::move(topic);
  m.payload.assign(text.begin(), text.end());
  m.qos = mqtt::QoS::kAtLeastOnce;
  m.properties.SetPayloadFormatIndicator(1);
  m.properties.SetContentType("application/json");
  return m;
}

std::string NameOf(const core::Event& e) {
  boost::system::error_code ec;
  json::value data = json::parse(e.data_json, ec);
  if (ec || !data.is_object()) return "";
  const json::value* name = data.get_object().if_contains("name");
  return name != nullptr && name->is_string() ? std::string(name->get_string()) : "";
}

}  // namespace

std::int64_t DeviceContract::SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void DeviceContract::Start(Publisher publisher) {
  publish_ = std::move(publisher);
  started_.store(true, std::memory_order_release);
  core::EventFilter filter;
  filter.types = {"device.state.desired"};
  desired_changes_ = services_.events.Subscribe(filter);
  delivery_thread_ = std::thread([this] { DeliveryLoop(); });
}

void DeviceContract::Stop() {
  if (stopping_.exchange(true)) return;
  if (delivery_thread_.joinable()) delivery_thread_.join();
  desired_changes_.reset();
}

DeviceContract::Delivery DeviceContract::DeliverDesired(core::DeviceId id, std::string_view name,
                                                        bool unacknowledged_only) {
  if (!started_.load(std::memory_order_acquire)) return Delivery::kNoSubscription;
  auto state = services_.store.GetDeviceState(id);
  if (!state) {
    if (state.error().code != core::ErrorCode::kNotFound) {
      spdlog::warn("mqtt: device {}: cannot read its state: {}", name, state.error().message);
    }
    return Delivery::kDone;
  }
  if (state->desired_version == 0) return Delivery::kDone;
  if (unacknowledged_only && state->desired_acknowledged >= state->desired_version) {
    return Delivery::kDone;
  }
  auto desired = publish_(id, JsonMessage(DesiredTopic(name), DesiredMessage(*state)));
  auto delta = publish_(id, JsonMessage(DeltaTopic(name), DeltaMessage(*state)));
  if (desired || delta) {
    std::lock_guard lock(mu_);
    ++counters_.desired_sent;
    return Delivery::kDone;
  }
  // No subscription of the session takes it (yet); anything else (no session at all) waits
  // for the next connect.
  const bool unsubscribed = desired.error().code == core::ErrorCode::kFailedPrecondition &&
                            delta.error().code == core::ErrorCode::kFailedPrecondition;
  return unsubscribed ? Delivery::kNoSubscription : Delivery::kDone;
}

void DeviceContract::DeliveryLoop() {
  while (!stopping_.load() && !desired_changes_->Closed()) {
    bool waiting = false;
    {
      std::lock_guard lock(mu_);
      waiting = !pending_.empty();
    }
    // Bounded waits, so that Stop is noticed without a wake-up of its own.
    auto event = desired_changes_->Next(waiting ? kRetryIntervalMs : kIdleWaitMs);
    if (auto dropped = desired_changes_->TakeDropped(); dropped > 0) {
      spdlog::warn(
          "mqtt: {} desired-state changes missed; those devices get them on their "
          "next connect",
          dropped);
    }
    if (event) {
      const std::string name = NameOf(*event);
      if (!name.empty() &&
          DeliverDesired(event->device_id, name, false) == Delivery::kNoSubscription) {
        auto entry = services_.registry.fleet().Get(event->device_id);
        if (entry && entry->connectivity.online) {
          std::lock_guard lock(mu_);
          pending_[event->device_id] = Pending{name, SteadyNowMs() + kDeliveryRetryMs};
        }
      }
    }
    RetryPending();
  }
}

void DeviceContract::RetryPending() {
  std::vector<std::pair<core::DeviceId, std::string>> due;
  const std::int64_t now = SteadyNowMs();
  {
    std::lock_guard lock(mu_);
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.deadline_ms <= now) {
        it = pending_.erase(it);
      } else {
        due.emplace_back(it->first, it->second.name);
        ++it;
      }
    }
  }
  for (const auto& [id, name] : due) {
    if (DeliverDesired(id, name, true) != Delivery::kDone) continue;
    std::lock_guard lock(mu_);
    pending_.erase(id);
    ++counters_.desired_retried;
  }
}

}  // namespace custos::mqtt_contract
