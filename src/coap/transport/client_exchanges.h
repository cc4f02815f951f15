// The client side of one I/O thread's message layer: requests sent and not yet answered,
// indexed the three ways an answer is matched (RFC 7252 §5.3.2: an ACK or RST by message
// id, a separate response by token, a timeout by deadline), and per peer the requests
// waiting for their turn under NSTART (§4.7). Pure bookkeeping: no sockets, no clock.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "coap/coap.h"
#include "coap/transport/endpoint.h"

namespace custos::coap::transport {

// A request handed to Endpoint::Request, not sent yet.
struct OutgoingRequest {
  Peer peer;
  Message message;
  RequestOptions options;
  ResponseCallback done;
  // One block of a block-wise transfer, or an observation's request: `done` handles the
  // response itself, so it is handed over as it is, never followed further.
  bool transfer_step = false;
  // Send with message.token as it is (an observation's registration or active cancel)
  // instead of a new one.
  bool keep_token = false;
};

// A request on the wire, waiting for its answer.
struct Exchange {
  Peer peer;
  std::uint16_t message_id = 0;
  std::vector<std::uint8_t> token;
  bool confirmable = true;
  // A CON stops counting against NSTART when acknowledged; a NON only when answered.
  bool acknowledged = false;
  Duration response_timeout{};
  ResponseCallback done;
  // The request as sent and its options: a response with more blocks to come is followed
  // from them (RFC 7959 Block2).
  Message request;
  RequestOptions options;
  bool transfer_step = false;
};

// Calls `done` with `result`, logging (never passing on) an exception it throws: a
// callback runs on an I/O thread, and an exception there would stop the thread.
void Deliver(ResponseCallback& done, core::Result<Message> result);

class ClientExchanges {
 public:
  using Id = std::uint64_t;

  // Tracks a request just sent. It counts against NSTART until Acknowledge or Take.
  Id Add(Exchange exchange);
  Exchange* Find(Id id);
  std::optional<Id> ByMessageId(const Peer& peer, std::uint16_t message_id) const;
  std::optional<Id> ByToken(const Peer& peer, std::span<const std::uint8_t> token) const;

  // The request's CON was acknowledged without a response: it stops counting against
  // NSTART, and its response is due by `deadline`.
  void Acknowledge(Id id, TimePoint deadline);
  // The response is due by `deadline` (a NON request, just sent).
  void SetDeadline(Id id, TimePoint deadline);
  // Removes the exchange from every index and hands it back.
  Exchange Take(Id id);

  // The exchanges whose response is overdue at `now`, earliest first.
  std::vector<Id> Expired(TimePoint now) const;
  std::optional<TimePoint> NextDeadline() const;
  // Requests to `peer` that count against NSTART.
  std::size_t Outstanding(const Peer& peer) const;

  // Queues a request behind the outstanding ones; false, leaving `request` as it was, when
  // `max_waiting` are already waiting for that peer.
  bool Enqueue(OutgoingRequest&& request, std::size_t max_waiting);
  // The peer's oldest waiting request, if any.
  std::optional<OutgoingRequest> Dequeue(const Peer& peer);
  // Whether the peer has requests on the wire or waiting.
  bool Busy(const Peer& peer) const { return peers_.contains(peer); }

  // Every exchange id, and every waiting request removed, for shutting down.
  std::vector<Id> Ids() const;
  std::vector<OutgoingRequest> TakeWaiting();
  std::size_t size() const { return entries_.size(); }

 private:
  struct TokenKey {
    Peer peer;
    std::array<std::uint8_t, kMaxTokenLength> token{};
    std::uint8_t length = 0;
    bool operator==(const TokenKey&) const = default;
  };
  struct TokenKeyHash {
    std::size_t operator()(const TokenKey& key) const noexcept;
  };
  using Deadlines = std::multimap<TimePoint, Id>;
  struct Entry {
    Exchange exchange;
    std::optional<Deadlines::iterator> deadline;
  };
  struct PeerState {
    std::size_t exchanges = 0;
    std::size_t outstanding = 0;
    std::deque<OutgoingRequest> waiting;
  };

  static TokenKey MakeTokenKey(const Peer& peer, std::span<const std::uint8_t> token);
  void ReleasePeer(const Peer& peer);

  Id next_id_ = 1;
  std::unordered_map<Id, Entry> entries_;
  std::unordered_map<ExchangeKey, Id> by_message_id_;
  std::unordered_map<TokenKey, Id, TokenKeyHash> by_token_;
  Deadlines deadlines_;
  std::unordered_map<Peer, PeerState> peers_;
};

}  // namespace custos::coap::transport
