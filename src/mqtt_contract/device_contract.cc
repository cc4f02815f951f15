// The contract as the endpoint's DeviceHandler: messages from devices by topic.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "mqtt_contract/contract.h"

namespace custos::mqtt_contract {
namespace {

namespace json = boost::json;
namespace ms = mqtt::server;

std::string_view PayloadText(const ms::Message& message) {
  return {reinterpret_cast<const char*>(message.payload.data()), message.payload.size()};
}

}  // namespace

mqtt::ReasonCode ReasonFor(core::ErrorCode code) {
  using core::ErrorCode;
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return mqtt::ReasonCode::kPayloadFormatInvalid;
    case ErrorCode::kPayloadTooLarge:
      return mqtt::ReasonCode::kQuotaExceeded;
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kPermissionDenied:
      return mqtt::ReasonCode::kNotAuthorized;
    case ErrorCode::kConflict:
      return mqtt::ReasonCode::kImplementationSpecificError;
    default:
      return mqtt::ReasonCode::kUnspecifiedError;
  }
}

DeviceContract::DeviceContract(ContractServices services)
    : services_(services),
      default_operations_(services.events),
      operations_(services.operations != nullptr ? services.operations : &default_operations_) {}

DeviceContract::~DeviceContract() { Stop(); }

void DeviceContract::OnConnect(const ms::ConnectInfo& info) {
  if (DeliverDesired(info.device_id, info.device_name, true) == Delivery::kNoSubscription) {
    std::lock_guard lock(mu_);
    pending_[info.device_id] = Pending{info.device_name, SteadyNowMs() + kDeliveryRetryMs};
  }
}

void DeviceContract::OnDisconnect(const ms::DisconnectInfo& info) {
  if (info.taken_over) return;
  std::lock_guard lock(mu_);
  pending_.erase(info.device_id);
}

void DeviceContract::RetryDesiredOnPublish(const ms::Sender& sender) {
  bool pending = false;
  {
    std::lock_guard lock(mu_);
    pending = pending_.contains(sender.device_id);
  }
  if (pending && DeliverDesired(sender.device_id, sender.device_name, true) == Delivery::kDone) {
    std::lock_guard lock(mu_);
    pending_.erase(sender.device_id);
  }
}

void DeviceContract::OnPublishAsync(const ms::Sender& sender, const ms::Message& message,
                                    PublishDone done) {
  const DeviceTopic topic = ClassifyTopic(message.topic, sender.device_name);
  if (topic.kind != TopicKind::kReported && topic.kind != TopicKind::kIdentity) {
    done(OnPublish(sender, message));
    return;
  }
  RetryDesiredOnPublish(sender);
  const std::string_view payload = PayloadText(message);
  auto update = topic.kind == TopicKind::kReported ? ParseReportedMessage(payload)
                                                   : ParseIdentityMessage(payload);
  if (!update) {
    Count(topic.kind, tl::unexpected(update.error()));
    Refuse(sender, message, update.error());
    done(ReasonFor(update.error().code));
    return;
  }
  twin::DeviceStates states(services_.store, services_.registry, services_.events);
  // What the completion needs of the message, copied: it outlives this call.
  auto finish = [this, kind = topic.kind, sender, topic_name = message.topic,
                 done = std::move(done)](core::Result<core::DeviceState> stored) {
    core::Result<void> outcome;
    if (!stored) outcome = tl::unexpected(stored.error());
    Count(kind, outcome);
    if (outcome) {
      done(mqtt::ReasonCode::kSuccess);
      return;
    }
    ms::Message refused;
    refused.topic = topic_name;
    Refuse(sender, refused, outcome.error());
    done(ReasonFor(outcome.error().code));
  };
  states.ApplyReportedAsync(sender.device_id, sender.device_name, std::move(*update),
                            std::move(finish));
}

mqtt::ReasonCode DeviceContract::OnPublish(const ms::Sender& sender, const ms::Message& message) {
  RetryDesiredOnPublish(sender);

  const DeviceTopic topic = ClassifyTopic(message.topic, sender.device_name);
  if (topic.kind == TopicKind::kUnknown) {
    Count(TopicKind::kUnknown, core::MakeError(core::ErrorCode::kNotFound, ""));
    Refuse(sender, message,
           core::Error{core::ErrorCode::kNotFound,
                       fmt::format("'{}' is not a topic of the device contract", message.topic),
                       std::nullopt});
    return mqtt::ReasonCode::kTopicNameInvalid;
  }
  core::Result<void> outcome = Handle(topic, sender, message);
  Count(topic.kind, outcome);
  if (outcome) return mqtt::ReasonCode::kSuccess;
  Refuse(sender, message, outcome.error());
  return ReasonFor(outcome.error().code);
}

core::Result<void> DeviceContract::Handle(const DeviceTopic& topic, const ms::Sender& sender,
                                          const ms::Message& message) {
  const std::string_view payload = PayloadText(message);
  twin::DeviceStates states(services_.store, services_.registry, services_.events);
  switch (topic.kind) {
    case TopicKind::kReported:
    case TopicKind::kIdentity: {
      auto update = topic.kind == TopicKind::kReported ? ParseReportedMessage(payload)
                                                       : ParseIdentityMessage(payload);
      if (!update) return tl::unexpected(update.error());
      auto applied = states.ApplyReported(sender.device_id, sender.device_name, *update);
      if (!applied) return tl::unexpected(applied.error());
      return {};
    }
    case TopicKind::kTelemetry: {
      auto measurements = twin::ParseObject(payload);
      if (!measurements) return tl::unexpected(measurements.error());
      return states.RecordTelemetry(sender.device_id, sender.device_name, *measurements);
    }
    case TopicKind::kLogs: {
      auto lines = ParseLogLines(payload);
      if (!lines) return tl::unexpected(lines.error());
      return states.AppendLogs(sender.device_id, sender.device_name, std::move(*lines));
    }
    case TopicKind::kOperationProgress:
    case TopicKind::kOperationResult: {
      auto report = ParseOperationReport(payload, topic.kind == TopicKind::kOperationResult);
      if (!report) return tl::unexpected(report.error());
      report->device_id = sender.device_id;
      report->device_name = sender.device_name;
      report->operation_id = topic.id;
      operations_->OnOperationReport(*report);
      return {};
    }
    case TopicKind::kRequest:
      return Answer(topic, sender, message);
    case TopicKind::kUnknown:
      break;
  }
  return core::MakeError(core::ErrorCode::kNotFound, "not a topic of the device contract");
}

void DeviceContract::Count(TopicKind kind, const core::Result<void>& outcome) {
  std::lock_guard lock(mu_);
  KindCounters& c = counters_.messages[kind];
  if (outcome) {
    ++c.accepted;
  } else if (outcome.error().code == core::ErrorCode::kInvalidArgument) {
    ++c.malformed;
  } else {
    ++c.refused;
  }
}

void DeviceContract::Refuse(const ms::Sender& sender, const ms::Message& message,
                            const core::Error& error) {
  spdlog::debug("mqtt: device {}: {} refused: {}", sender.device_name, message.topic,
                error.message);
  json::object body;
  body["topic"] = message.topic;
  body["code"] = core::ToString(error.code);
  body["message"] = error.message;
  if (error.position) body["position"] = *error.position;
  ms::Message out;
  out.topic = ErrorsTopic(sender.device_name);
  const std::string text = json::serialize(body);
  out.payload.assign(text.begin(), text.end());
  out.qos = mqtt::QoS::kAtMostOnce;
  Send(sender.device_id, std::move(out));
}

void DeviceContract::Send(core::DeviceId id, ms::Message message) {
  if (!started_.load(std::memory_order_acquire)) return;
  message.properties.SetPayloadFormatIndicator(1);
  message.properties.SetContentType("application/json");
  (void)publish_(id, std::move(message));
}

Counters DeviceContract::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

}  // namespace custos::mqtt_contract
