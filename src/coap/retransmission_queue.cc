#include "coap/retransmission_queue.h"

#include <utility>

namespace custos::coap {

bool RetransmissionQueue::Add(const Peer& peer, std::uint16_t message_id,
                              std::vector<std::uint8_t> bytes, TimePoint now,
                              double random_fraction) {
  ExchangeKey key{peer, message_id};
  auto [it, inserted] = entries_.try_emplace(key);
  if (!inserted) return false;
  Entry& entry = it->second;
  entry.bytes = std::move(bytes);
  entry.timeout = params_.InitialTimeout(random_fraction);
  entry.deadline = deadlines_.emplace(now + entry.timeout, key);
  ++outstanding_[peer];
  return true;
}

bool RetransmissionQueue::Remove(const ExchangeKey& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  deadlines_.erase(it->second.deadline);
  entries_.erase(it);
  auto count = outstanding_.find(key.peer);
  if (--count->second == 0) outstanding_.erase(count);
  return true;
}

bool RetransmissionQueue::Acknowledge(const Peer& peer, std::uint16_t message_id) {
  return Remove({peer, message_id});
}

bool RetransmissionQueue::Reset(const Peer& peer, std::uint16_t message_id) {
  return Remove({peer, message_id});
}

DueMessages RetransmissionQueue::Due(TimePoint now) {
  DueMessages due;
  // Rescheduled messages go back only after the scan, so a zero timeout cannot loop.
  std::vector<ExchangeKey> rescheduled;
  while (!deadlines_.empty()) {
    ++due.examined;
    auto first = deadlines_.begin();
    if (first->first > now) break;
    ExchangeKey key = first->second;
    deadlines_.erase(first);
    auto it = entries_.find(key);
    Entry& entry = it->second;
    if (entry.transmissions > params_.max_retransmit) {
      due.timed_out.push_back({key, std::move(entry.bytes), entry.transmissions});
      entries_.erase(it);
      auto count = outstanding_.find(key.peer);
      if (--count->second == 0) outstanding_.erase(count);
      continue;
    }
    ++entry.transmissions;
    entry.timeout *= 2;
    due.resend.push_back({key, entry.bytes, entry.transmissions});
    rescheduled.push_back(key);
  }
  for (const ExchangeKey& key : rescheduled) {
    Entry& entry = entries_.find(key)->second;
    entry.deadline = deadlines_.emplace(now + entry.timeout, key);
  }
  return due;
}

std::optional<TimePoint> RetransmissionQueue::NextDeadline() const {
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.begin()->first;
}

std::size_t RetransmissionQueue::Outstanding(const Peer& peer) const {
  auto it = outstanding_.find(peer);
  return it == outstanding_.end() ? 0 : it->second;
}

bool RetransmissionQueue::Contains(const Peer& peer, std::uint16_t message_id) const {
  return entries_.contains({peer, message_id});
}

}  // namespace custos::coap
