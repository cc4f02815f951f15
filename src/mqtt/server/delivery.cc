// Messages to clients: queued in the session by Deliver, moved into flight by Pump as the
// QoS 1 window allows, sent again with DUP by Resend after a reconnect (v5 §4.4, §4.9).
#include <spdlog/spdlog.h>

#include "mqtt/server/connection.h"

namespace custos::mqtt::server {

core::Result<PublishOutcome> Deliver(ServerContext& ctx, Session& session,
                                     std::shared_ptr<const Message> message) {
  std::shared_ptr<Connection> connection;
  {
    std::lock_guard lock(session.mu);
    auto subscription = session.Match(message->topic);
    if (!subscription) {
      return core::MakeError(core::ErrorCode::kFailedPrecondition,
                             "mqtt: no subscription of the session matches " + message->topic);
    }
    connection = session.connection.lock();
    const QoS qos = std::min(message->qos, subscription->max_qos);
    if (!connection && qos == QoS::kAtMostOnce) {
      return core::MakeError(core::ErrorCode::kFailedPrecondition,
                             "mqtt: the device is offline and QoS 0 messages are not kept");
    }
    Outgoing outgoing;
    outgoing.message = std::move(message);
    outgoing.qos = qos;
    outgoing.subscription_id = subscription->identifier;
    outgoing.queued_at = ctx.services.clock.Now();
    const std::size_t dropped =
        session.Enqueue(std::move(outgoing), ctx.options.max_queued_messages);
    if (dropped > 0) Bump(ctx.counters.queue_dropped, dropped);
  }
  if (!connection) return PublishOutcome::kQueued;
  connection->PostPump();
  return PublishOutcome::kSent;
}

Publish Connection::MakePublish(const Outgoing& outgoing,
                                std::optional<std::uint32_t> expiry_left) const {
  const Message& message = *outgoing.message;
  Publish publish;
  publish.qos = outgoing.qos;
  publish.topic = message.topic;
  publish.payload = message.payload;
  publish.packet_id = outgoing.packet_id;
  if (version_ == Version::kV5) {
    publish.properties = message.properties;
    // v5 §3.3.2.3.3: the receiver sees the time the message has left.
    if (expiry_left) publish.properties.SetMessageExpiryInterval(*expiry_left);
    if (outgoing.subscription_id != 0) {
      publish.properties.AddSubscriptionIdentifier(outgoing.subscription_id);
    }
  }
  return publish;
}

void Connection::SendPublish(const Publish& publish) {
  Bump(ctx_.counters.publishes_out);
  Send(publish);
}

void Connection::Resend() {
  std::vector<Publish> batch;
  {
    std::lock_guard lock(session_->mu);
    for (const Outgoing& outgoing : session_->inflight) {
      Publish publish = MakePublish(outgoing, std::nullopt);
      publish.dup = true;
      batch.push_back(std::move(publish));
    }
  }
  for (const Publish& publish : batch) SendPublish(publish);
}

void Connection::Pump() {
  if (state_.load() != State::kConnected || !session_) return;
  std::vector<Publish> batch;
  {
    std::lock_guard lock(session_->mu);
    // After a take-over the session belongs to the newer connection.
    if (!session_->AttachedTo(this)) return;
    const core::TimeMs now = ctx_.services.clock.Now();
    auto& queue = session_->queue;
    while (!queue.empty()) {
      Outgoing& front = queue.front();
      if (front.qos == QoS::kAtLeastOnce && session_->inflight.size() >= window_) break;
      std::optional<std::uint32_t> expiry_left;
      if (auto expiry = front.message->properties.MessageExpiryInterval()) {
        const core::TimeMs waited_s = (now - front.queued_at) / 1000;
        if (now - front.queued_at >= core::TimeMs{*expiry} * 1000) {
          Bump(ctx_.counters.expired_dropped);
          queue.pop_front();
          continue;
        }
        expiry_left = static_cast<std::uint32_t>(*expiry - waited_s);
      }
      Outgoing outgoing = std::move(front);
      queue.pop_front();
      if (outgoing.qos == QoS::kAtLeastOnce) outgoing.packet_id = session_->NextPacketId();
      Publish publish = MakePublish(outgoing, expiry_left);
      // v5 §3.1.2.11.4: never more than the client's Maximum Packet Size; such a message is
      // dropped as if it had been sent.
      if (EncodedSize(publish, version_) > client_max_packet_) {
        Bump(ctx_.counters.too_large_dropped);
        continue;
      }
      if (outgoing.qos == QoS::kAtLeastOnce) session_->inflight.push_back(std::move(outgoing));
      batch.push_back(std::move(publish));
    }
  }
  for (const Publish& publish : batch) {
    if (state_.load() != State::kConnected) break;
    SendPublish(publish);
  }
}

}  // namespace custos::mqtt::server
