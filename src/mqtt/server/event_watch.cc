#include "mqtt/server/event_watch.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "json/json.h"
#include "mqtt/server/connection.h"

namespace custos::mqtt::server {

void EventWatch::Start() {
  subscription_ = ctx_.services.events.Subscribe({});
  thread_ = std::thread([this] { Run(); });
}

void EventWatch::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  subscription_.reset();
}

void EventWatch::Run() {
  while (!stop_.load()) {
    auto event = subscription_->Next(100);
    if (subscription_->TakeDropped() > 0) Recheck();
    if (!event) {
      if (subscription_->Closed()) return;
      continue;
    }
    Handle(*event);
  }
}

void EventWatch::Handle(const core::Event& event) {
  if (event.type == "device.retired" || event.type == "device.deleted") {
    KickDevice(event.device_id, /*end_session=*/true);
  } else if (event.type == "device.disabled") {
    KickDevice(event.device_id, /*end_session=*/false);
  }
  Forward(event);
}

void EventWatch::KickDevice(core::DeviceId device, bool end_session) {
  auto session = end_session ? ctx_.sessions.EraseDevice(device) : ctx_.sessions.FindDevice(device);
  if (!session) return;
  std::shared_ptr<Connection> connection;
  {
    std::lock_guard lock(session->mu);
    connection = session->connection.lock();
    if (end_session) session->will.reset();
  }
  if (!connection) return;
  Bump(ctx_.counters.kicked);
  spdlog::info("mqtt: closing the connection of device {}: it was retired, deleted or disabled",
               device);
  connection->Kick(ReasonCode::kAdministrativeAction);
}

void EventWatch::Recheck() {
  for (const auto& session : ctx_.sessions.ConnectedDevices()) {
    const core::DeviceId device = session->principal().device_id;
    auto entry = ctx_.services.registry.fleet().Get(device);
    if (!entry || entry->state == core::LifecycleState::kRetired) {
      KickDevice(device, true);
    } else if (entry->state == core::LifecycleState::kDisabled) {
      KickDevice(device, false);
    }
  }
}

void EventWatch::Forward(const core::Event& event) {
  auto operators = ctx_.sessions.Operators();
  if (operators.empty()) return;
  auto message = std::make_shared<Message>();
  message->topic = EventTopic(event.type);
  const std::string json = boost::json::serialize(json::ToJson(event));
  message->payload.assign(json.begin(), json.end());
  message->qos = QoS::kAtLeastOnce;
  message->properties.SetPayloadFormatIndicator(1);
  message->properties.SetContentType("application/json");
  for (const auto& session : operators) {
    // No matching subscription, or offline: that operator does not want this one.
    (void)Deliver(ctx_, *session, message);
  }
}

}  // namespace custos::mqtt::server
