// Outgoing Confirmable messages waiting for their ACK (RFC 7252 §4.2): the timers of every
// peer in one deadline-ordered structure, so finding what is due costs O(log n) per due
// message plus one look at the next deadline, however many peers sit idle.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "coap/peer.h"
#include "coap/transmission.h"

namespace custos::coap {

// A message the transport must send again now, or one that has given up.
struct PendingMessage {
  ExchangeKey key;
  std::vector<std::uint8_t> bytes;
  int transmissions = 0;  // how many times it has been sent, this one included if resent
};

struct DueMessages {
  std::vector<PendingMessage> resend;     // in deadline order; send each again now
  std::vector<PendingMessage> timed_out;  // in deadline order; removed from the queue
  // How many deadlines Due looked at: the due ones plus at most one that was not due.
  // Exposed so tests can show that idle peers cost nothing.
  std::size_t examined = 0;
};

class RetransmissionQueue {
 public:
  explicit RetransmissionQueue(TransmissionParams params = {}) : params_(params) {}

  // Tracks a CON that the caller has just sent for the first time, at `now`. Its first
  // timeout is params.InitialTimeout(random_fraction), the fraction being drawn by the
  // caller uniformly from [0, 1). Returns false, and changes nothing, if the same
  // (peer, message id) is already pending.
  bool Add(const Peer& peer, std::uint16_t message_id, std::vector<std::uint8_t> bytes,
           TimePoint now, double random_fraction);

  // The peer acknowledged the message (an ACK with its id): stop retransmitting. Returns
  // whether it was pending; false means a stray or duplicate ACK, which callers count.
  bool Acknowledge(const Peer& peer, std::uint16_t message_id);
  // The peer rejected the message (an RST with its id): stop retransmitting. Returns
  // whether it was pending.
  bool Reset(const Peer& peer, std::uint16_t message_id);

  // Every message whose timeout has expired at `now`, in deadline order. A message sent
  // fewer than 1 + MAX_RETRANSMIT times is to be resent: its timeout doubles and its new
  // deadline is `now` plus that timeout. A message whose last retransmission has timed out
  // is removed and reported in `timed_out`.
  DueMessages Due(TimePoint now);

  // The earliest deadline, or nullopt when nothing is pending: when to call Due next.
  std::optional<TimePoint> NextDeadline() const;

  // Messages pending for one peer (for NSTART, §4.7).
  std::size_t Outstanding(const Peer& peer) const;
  bool Contains(const Peer& peer, std::uint16_t message_id) const;
  std::size_t size() const { return entries_.size(); }

 private:
  using Deadlines = std::multimap<TimePoint, ExchangeKey>;
  struct Entry {
    std::vector<std::uint8_t> bytes;
    Duration timeout{};
    int transmissions = 1;
    Deadlines::iterator deadline;
  };

  bool Remove(const ExchangeKey& key);

  TransmissionParams params_;
  std::unordered_map<ExchangeKey, Entry> entries_;
  Deadlines deadlines_;  // equal deadlines keep insertion order
  std::unordered_map<Peer, std::size_t> outstanding_;
};

}  // namespace custos::coap
