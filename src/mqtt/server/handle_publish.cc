// PUBLISH from a client (v5 §3.3, §4.3): topic aliases, QoS and retain limits, the
// namespace rule, the DeviceHandler (asynchronous), PUBACKs in order, the receive window.
#include <boost/asio/as_tuple.hpp>

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

void Connection::HandlePublish(Publish& publish) {
  if (state_.load() != State::kConnected) return;
  if (!ResolveTopicAlias(publish)) return;
  if (publish.qos == QoS::kExactlyOnce) {
    // CONNACK announced Maximum QoS 1 (v5 §3.2.2.3.4); 3.1.1 can only close.
    ProtocolFailure(ReasonCode::kQosNotSupported);
    return;
  }
  if (publish.retain && version_ == Version::kV5) {
    ProtocolFailure(ReasonCode::kRetainNotSupported);  // v5 §3.3.1.3
    return;
  }
  const bool acknowledge = publish.qos == QoS::kAtLeastOnce;
  if (!MayPublish(principal_, publish.topic)) {
    Bump(ctx_.counters.publishes_refused);
    if (version_ == Version::kV311) {
      // v3.1.1 §3.3.5: no way to say no but to close.
      Close(ReasonCode::kNotAuthorized, false);
      return;
    }
    // Answered in its turn, after the messages before it.
    inbound_.push_back({publish.packet_id, acknowledge, true, ReasonCode::kNotAuthorized});
    Answered(inbound_front_seq_ + inbound_.size() - 1, ReasonCode::kNotAuthorized);
    return;
  }
  Sender sender{principal_.device_id, principal_.name, /*will=*/false, publish.dup};
  Message message;
  message.topic = std::move(publish.topic);
  message.payload = std::move(publish.payload);
  message.qos = publish.qos;
  message.retain = publish.retain;
  message.properties = EndToEndProperties(publish.properties);
  // QoS 0 messages take a place in the window too: they cost the handler the same, and a
  // flood of them must be held back like any other.
  const std::uint64_t seq = inbound_front_seq_ + inbound_.size();
  inbound_.push_back({publish.packet_id, acknowledge, false, ReasonCode::kSuccess});
  auto answer = [self = shared_from_this(), seq](ReasonCode reason) {
    asio::post(self->strand(), [self, seq, reason] { self->Answered(seq, reason); });
  };
  PostOnPublish(ctx_, std::move(sender), std::move(message), std::move(answer));
}

void Connection::Answered(std::uint64_t seq, ReasonCode reason) {
  if (seq < inbound_front_seq_ || seq - inbound_front_seq_ >= inbound_.size()) return;
  Inbound& answered = inbound_[seq - inbound_front_seq_];
  if (!answered.answered) Bump(ctx_.counters.publishes_in);
  answered.answered = true;
  answered.reason = reason;
  std::size_t due = 0;
  while (due < inbound_.size() && inbound_[due].answered) {
    const Inbound& in = inbound_[due];
    // After the connection closed there is no one to tell; what was answered is stored.
    if (in.acknowledge && state_.load() == State::kConnected) {
      Puback ack;
      ack.packet_id = in.packet_id;
      if (version_ == Version::kV5 && ValidFor(in.reason, PacketType::kPuback)) {
        ack.reason_code = in.reason;
      }
      Send(ack, /*batch=*/true);
    }
    ++due;
  }
  if (due == 0) return;
  inbound_front_seq_ += due;
  if (due == inbound_.size()) {
    std::vector<Inbound>().swap(inbound_);  // an idle connection keeps no window
  } else {
    inbound_.erase(inbound_.begin(), inbound_.begin() + static_cast<std::ptrdiff_t>(due));
  }
  if (room_ && !InboundFull()) room_->cancel();
}

bool Connection::InboundFull() const {
  return inbound_.size() >= std::max<std::size_t>(1, ctx_.options.max_inflight_in);
}

asio::awaitable<void> Connection::WaitForRoom() {
  while (InboundFull() && state_.load() == State::kConnected) {
    if (!room_) room_ = std::make_unique<asio::steady_timer>(strand());
    room_->expires_at(asio::steady_timer::time_point::max());
    (void)co_await room_->async_wait(asio::as_tuple(asio::use_awaitable));
  }
  room_.reset();
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
