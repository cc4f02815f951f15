// Requests from devices and their replies: "time", "desired", "reported".
#include <fmt/format.h>

#include <boost/json.hpp>

#include "mqtt_contract/contract.h"

namespace custos::mqtt_contract {
namespace {

namespace json = boost::json;
namespace ms = mqtt::server;

json::object Document(const std::string& text) {
  auto parsed = twin::ParseObject(text);
  return parsed ? std::move(*parsed) : json::object();
}

// The result of `method`, or why there is none.
core::Result<json::object> MethodResult(const std::string& method, const ms::Sender& sender,
                                        const ContractServices& services) {
  if (method == "time") {
    const core::TimeMs now = services.clock.Now();
    return json::object{{"time", core::FormatTime(now)}, {"epoch_ms", now}};
  }
  if (method == "desired" || method == "reported") {
    auto state = services.store.GetDeviceState(sender.device_id);
    if (!state) return tl::unexpected(state.error());
    json::object out;
    if (method == "desired") {
      json::object desired = Document(state->desired_json);
      out["delta"] = twin::Delta(desired, Document(state->reported_json));
      out["state"] = std::move(desired);
      out["version"] = state->desired_version;
    } else {
      out["state"] = Document(state->reported_json);
      out["version"] = state->reported_version;
    }
    return out;
  }
  return core::MakeError(core::ErrorCode::kInvalidArgument,
                         fmt::format("method: '{}' is not time, desired or reported", method));
}

}  // namespace

core::Result<void> DeviceContract::Answer(const DeviceTopic& topic, const ms::Sender& sender,
                                          const ms::Message& message) {
  ms::Message reply;
  if (auto response_topic = message.properties.ResponseTopic()) {
    reply.topic = std::string(*response_topic);
    if (auto correlation = message.properties.CorrelationData()) {
      reply.properties.SetCorrelationData({correlation->begin(), correlation->end()});
    }
  } else if (!topic.id.empty()) {
    reply.topic = ReplyTopic(sender.device_name, topic.id);
  } else {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "a request needs an id in its topic (requests/{rid}) or an MQTT 5 "
                           "Response Topic");
  }
  reply.qos =
      message.qos == mqtt::QoS::kAtMostOnce ? mqtt::QoS::kAtMostOnce : mqtt::QoS::kAtLeastOnce;
  json::object body;
  core::Result<void> outcome;
  auto method = ParseRequestMethod(
      {reinterpret_cast<const char*>(message.payload.data()), message.payload.size()});
  if (method) {
    body["method"] = *method;
    auto result = MethodResult(*method, sender, services_);
    if (result) {
      body["result"] = std::move(*result);
    } else {
      outcome = tl::unexpected(result.error());
    }
  } else {
    outcome = tl::unexpected(method.error());
  }
  if (!outcome) {
    body["error"] = json::object{{"code", core::ToString(outcome.error().code)},
                                 {"message", outcome.error().message}};
  }
  const std::string text = json::serialize(body);
  reply.payload.assign(text.begin(), text.end());
  Send(sender.device_id, std::move(reply));
  {
    std::lock_guard lock(mu_);
    ++counters_.replies_sent;
  }
  return outcome;
}

}  // namespace custos::mqtt_contract
