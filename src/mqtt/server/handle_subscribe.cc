// SUBSCRIBE, UNSUBSCRIBE (v5 §3.8 - §3.11) under the namespace rule, and DISCONNECT (§3.14).
#include <algorithm>

#include "mqtt/server/connection.h"

namespace custos::mqtt::server {

void Connection::HandleSubscribe(const Subscribe& subscribe) {
  if (state_.load() != State::kConnected || !session_) return;
  const auto identifiers = subscribe.properties.SubscriptionIdentifiers();
  const std::uint32_t identifier = identifiers.empty() ? 0 : identifiers.front();
  Suback ack;
  ack.packet_id = subscribe.packet_id;
  bool added = false;
  for (const Subscription& s : subscribe.subscriptions) {
    const QoS qos = std::min(s.max_qos, QoS::kAtLeastOnce);
    ReasonCode verdict = SubscribeVerdict(principal_, s.filter, qos);
    if (verdict == ReasonCode::kNotAuthorized) Bump(ctx_.counters.subscribes_refused);
    if (IsFailure(verdict)) {
      // 3.1.1 has a single failure code (v3.1.1 §3.9.3).
      if (version_ == Version::kV311) verdict = ReasonCode::kUnspecifiedError;
    } else {
      std::lock_guard lock(session_->mu);
      session_->Subscribe(SessionSubscription{s.filter, qos, identifier});
      added = true;
    }
    ack.reason_codes.push_back(verdict);
  }
  Send(ack);
  // Messages queued before a matching subscription existed are not held back by this;
  // but a resumed session's queue may now be sendable.
  if (added) Pump();
}

void Connection::HandleUnsubscribe(const Unsubscribe& unsubscribe) {
  if (state_.load() != State::kConnected || !session_) return;
  Unsuback ack;
  ack.packet_id = unsubscribe.packet_id;
  for (const std::string& filter : unsubscribe.filters) {
    bool existed = false;
    {
      std::lock_guard lock(session_->mu);
      existed = session_->Unsubscribe(filter);
    }
    if (version_ == Version::kV5) {
      ack.reason_codes.push_back(existed ? ReasonCode::kSuccess
                                         : ReasonCode::kNoSubscriptionExisted);
    }
  }
  Send(ack);
}

void Connection::HandleDisconnect(const Disconnect& disconnect) {
  if (state_.load() != State::kConnected) return;
  if (auto expiry = disconnect.properties.SessionExpiryInterval()) {
    // v5 §3.14.2.2.2: a session that was to end with the connection cannot be extended.
    if (expiry_was_zero_ && *expiry != 0) {
      ProtocolFailure(ReasonCode::kProtocolError);
      return;
    }
    if (session_ && principal_.is_device()) {
      std::lock_guard lock(session_->mu);
      session_->expiry_s = std::min(*expiry, ctx_.options.max_session_expiry_s);
    }
  }
  // v5 §3.1.2.5: a normal DISCONNECT discards the will; 0x04 asks for it.
  send_will_ = disconnect.reason_code == ReasonCode::kDisconnectWithWillMessage;
  Close(ReasonCode::kNormalDisconnection, false);
}

}  // namespace custos::mqtt::server
