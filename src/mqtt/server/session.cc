#include "mqtt/server/session.h"

#include <algorithm>

namespace custos::mqtt::server {

bool Session::AttachedTo(const Connection* conn) const {
  auto live = connection.lock();
  return live && live.get() == conn;
}

std::optional<SessionSubscription> Session::Match(std::string_view topic) const {
  std::optional<SessionSubscription> best;
  for (const auto& s : subscriptions) {
    if (!TopicMatches(s.filter, topic)) continue;
    if (!best || s.max_qos > best->max_qos) best = s;
  }
  return best;
}

void Session::Subscribe(SessionSubscription subscription) {
  for (auto& s : subscriptions) {
    if (s.filter == subscription.filter) {
      s = std::move(subscription);
      return;
    }
  }
  subscriptions.push_back(std::move(subscription));
}

bool Session::Unsubscribe(std::string_view filter) {
  auto it = std::find_if(subscriptions.begin(), subscriptions.end(),
                         [&](const SessionSubscription& s) { return s.filter == filter; });
  if (it == subscriptions.end()) return false;
  subscriptions.erase(it);
  return true;
}

std::size_t Session::Enqueue(Outgoing outgoing, std::size_t max) {
  queue.push_back(std::move(outgoing));
  std::size_t dropped = 0;
  while (queue.size() > std::max<std::size_t>(max, 1)) {
    queue.pop_front();
    ++dropped;
  }
  return dropped;
}

std::uint16_t Session::NextPacketId() {
  // The in-flight window is far below 65535, so a free identifier is always near.
  for (;;) {
    last_packet_id_ =
        static_cast<std::uint16_t>(last_packet_id_ == 0xFFFF ? 1 : last_packet_id_ + 1);
    const std::uint16_t id = last_packet_id_;
    if (std::none_of(inflight.begin(), inflight.end(),
                     [id](const Outgoing& o) { return o.packet_id == id; })) {
      return id;
    }
  }
}

bool Session::Acknowledge(std::uint16_t packet_id) {
  auto it = std::find_if(inflight.begin(), inflight.end(),
                         [packet_id](const Outgoing& o) { return o.packet_id == packet_id; });
  if (it == inflight.end()) return false;
  inflight.erase(it);
  return true;
}

}  // namespace custos::mqtt::server
