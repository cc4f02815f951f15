// PUBLISH from a client (v5 §3.3, §4.3): topic aliases, QoS and retain limits, the
// namespace rule, the DeviceHandler, PUBACK.
#include "mqtt/server/connection.h"

namespace custos::mqtt::server {

Properties EndToEndProperties(const Properties& in) {
  Properties out;
  for (const Property& p : in) {
    switch (p.id) {
      case PropertyId::kPayloadFormatIndicator:
      case PropertyId::kMessageExpiryInterval:
      case PropertyId::kContentType:
      case PropertyId::kResponseTopic:
      case PropertyId::kCorrelationData:
      case PropertyId::kUserProperty:
        out.Add(p);
        break;
      default:
        break;
    }
  }
  return out;
}

bool Connection::ResolveTopicAlias(Publish& publish) {
  const auto alias = publish.properties.TopicAlias();
  if (!alias) return true;
  if (*alias == 0 || *alias > ctx_.options.topic_alias_maximum) {
    ProtocolFailure(ReasonCode::kTopicAliasInvalid);
    return false;
  }
  const std::size_t index = *alias - 1u;
  if (publish.topic.empty()) {
    if (index >= topic_aliases_.size() || topic_aliases_[index].empty()) {
      ProtocolFailure(ReasonCode::kProtocolError);  // v5 §3.3.2.3.4: an alias never set
      return false;
    }
    publish.topic = topic_aliases_[index];
  } else {
    if (index >= topic_aliases_.size()) topic_aliases_.resize(index + 1);
    topic_aliases_[index] = publish.topic;
  }
  publish.properties.Remove(PropertyId::kTopicAlias);
  return true;
}

asio::awaitable<void> Connection::HandlePublish(Publish& publish) {
  if (state_.load() != State::kConnected) co_return;
  if (!ResolveTopicAlias(publish)) co_return;
  if (publish.qos == QoS::kExactlyOnce) {
    // CONNACK announced Maximum QoS 1 (v5 §3.2.2.3.4); 3.1.1 can only close.
    ProtocolFailure(ReasonCode::kQosNotSupported);
    co_return;
  }
  if (publish.retain && version_ == Version::kV5) {
    ProtocolFailure(ReasonCode::kRetainNotSupported);  // v5 §3.3.1.3
    co_return;
  }
  if (!MayPublish(principal_, publish.topic)) {
    Bump(ctx_.counters.publishes_refused);
    if (version_ == Version::kV311) {
      // v3.1.1 §3.3.5: no way to say no but to close.
      Close(ReasonCode::kNotAuthorized, false);
    } else if (publish.qos == QoS::kAtLeastOnce) {
      Puback refusal;
      refusal.packet_id = publish.packet_id;
      refusal.reason_code = ReasonCode::kNotAuthorized;
      Send(refusal);
    }
    co_return;
  }
  Sender sender{principal_.device_id, principal_.name, /*will=*/false, publish.dup};
  Message message;
  message.topic = std::move(publish.topic);
  message.payload = std::move(publish.payload);
  message.qos = publish.qos;
  message.retain = publish.retain;
  message.properties = EndToEndProperties(publish.properties);
  const ReasonCode result = co_await CallOnPublish(ctx_, sender, message);
  Bump(ctx_.counters.publishes_in);
  if (publish.qos == QoS::kAtLeastOnce) {
    Puback ack;
    ack.packet_id = publish.packet_id;
    if (version_ == Version::kV5 && ValidFor(result, PacketType::kPuback)) {
      ack.reason_code = result;
    }
    Send(ack);
  }
}

void Connection::HandlePuback(const Puback& puback) {
  if (state_.load() != State::kConnected || !session_) return;
  {
    std::lock_guard lock(session_->mu);
    // An unknown identifier is ignored: it may answer a message the session already gave up.
    session_->Acknowledge(puback.packet_id);
  }
  Pump();
}

}  // namespace custos::mqtt::server
