// The client role of a worker: requests we send on the listening socket, their
// retransmission, NSTART, and matching what comes back (RFC 7252 §4.2, §4.7, §5.3.2).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "coap/transport/worker.h"

namespace custos::coap::transport {
namespace {

tl::unexpected<core::Error> Fail(core::ErrorCode code, std::string message) {
  return core::MakeError(code, std::move(message));
}

}  // namespace

void Worker::StartRequest(OutgoingRequest request) {
  const auto refuse = [&request](core::ErrorCode code, std::string why) {
    Deliver(request.done, Fail(code, std::move(why)));
  };
  if (stopping_) return refuse(core::ErrorCode::kUnavailable, "the CoAP endpoint stopped");
  if (!request.message.code.IsRequest()) {
    return refuse(core::ErrorCode::kInvalidArgument,
                  "not a request method: " + ToString(request.message.code));
  }
  if (NeedsUpload(request)) {
    StartUpload(std::move(request));
    return;
  }
  if (family_ == AF_INET && request.peer.address_size != 4) {
    return refuse(core::ErrorCode::kInvalidArgument,
                  "an IPv6 peer cannot be reached from an IPv4 listener");
  }
  if (!AdmitPeer(request.peer)) {
    return refuse(core::ErrorCode::kUnavailable, "too many peers (max_peers)");
  }
  const auto nstart = static_cast<std::size_t>(std::max(config_.options.transmission.nstart, 1));
  if (exchanges_.Outstanding(request.peer) < nstart) {
    Transmit(std::move(request));
    return;
  }
  if (!exchanges_.Enqueue(std::move(request), config_.options.max_queued_requests)) {
    refuse(core::ErrorCode::kUnavailable,
           "too many requests waiting for " + ToString(request.peer));
  }
}

void Worker::Transmit(OutgoingRequest request) {
  if (!EnsureSession(request)) return;
  const Peer& peer = request.peer;
  Message& message = request.message;
  const bool confirmable = request.options.confirmable;
  message.type = confirmable ? Type::kConfirmable : Type::kNonConfirmable;
  if (request.keep_token && exchanges_.ByToken(peer, message.token)) {
    Deliver(request.done, Fail(core::ErrorCode::kAlreadyExists,
                               "a request with that token is pending at " + ToString(peer)));
    return;
  }
  message.message_id = NextMessageId(peer);
  if (!request.keep_token) message.token = NewToken(peer);
  if (auto valid = Validate(message); !valid) {
    Deliver(request.done, tl::unexpected(valid.error()));
    return;
  }
  std::vector<std::uint8_t> bytes = Encode(message);
  // A large body goes block-wise (StartRequest); what is left too large is its options.
  if (bytes.size() > max_message_) {
    Deliver(request.done,
            Fail(core::ErrorCode::kPayloadTooLarge, "a request of " + std::to_string(bytes.size()) +
                                                        " bytes does not fit in one datagram"));
    return;
  }
  SendDatagram(peer, bytes);
  const Duration response_timeout = request.options.response_timeout
                                        ? Duration(*request.options.response_timeout)
                                        : config_.options.transmission.MaxTransmitWait();
  Exchange exchange{peer,  message.message_id, message.token,          confirmable,
                    false, response_timeout,   std::move(request.done)};
  exchange.transfer_step = request.transfer_step;
  if (!request.transfer_step) {
    exchange.request = std::move(message);
    exchange.options = std::move(request.options);
  }
  const std::uint16_t message_id = exchange.message_id;
  const ClientExchanges::Id id = exchanges_.Add(std::move(exchange));
  if (confirmable) {
    retransmissions_.Add(peer, message_id, std::move(bytes), now_, random_.Fraction());
  } else {
    exchanges_.SetDeadline(id, now_ + response_timeout);
  }
}

void Worker::StartWaiting(const Peer& peer) {
  const auto nstart = static_cast<std::size_t>(std::max(config_.options.transmission.nstart, 1));
  while (!stopping_ && exchanges_.Outstanding(peer) < nstart) {
    std::optional<OutgoingRequest> next = exchanges_.Dequeue(peer);
    if (!next) return;
    Transmit(std::move(*next));
  }
}

void Worker::OnAcknowledgement(const Peer& peer, Message ack) {
  peers_.TouchIfKnown(peer, now_);
  if (!retransmissions_.Acknowledge(peer, ack.message_id)) {
    counters_.Add(Counter::kStrayAcks);
    return;
  }
  const auto id = exchanges_.ByMessageId(peer, ack.message_id);
  if (!id) {
    // The ACK of a separate response or a notification of ours.
    OnNotificationAcknowledged(peer, ack.message_id);
    return;
  }
  Exchange* exchange = exchanges_.Find(*id);
  if (!ack.code.IsEmpty()) {
    if (ack.token == exchange->token) {
      Complete(*id, std::move(ack));  // piggybacked (§5.2.1)
      return;
    }
    spdlog::debug("coap: {} piggybacked a response with a foreign token; waiting on",
                  ToString(peer));
  }
  // §5.2.2: acknowledged; the response follows as a separate message.
  exchanges_.Acknowledge(*id, now_ + exchange->response_timeout);
  StartWaiting(peer);
}

void Worker::OnReset(const Peer& peer, const Message& reset) {
  peers_.TouchIfKnown(peer, now_);
  const bool pending = retransmissions_.Reset(peer, reset.message_id);
  if (const auto id = exchanges_.ByMessageId(peer, reset.message_id)) {
    Complete(*id, Fail(core::ErrorCode::kUnavailable, "the peer rejected the request (RST)"));
    return;
  }
  if (OnNotificationReset(peer, reset.message_id)) return;
  if (!pending) counters_.Add(Counter::kStrayAcks);
}

void Worker::OnResponse(const Peer& peer, Message response) {
  auto id = exchanges_.ByToken(peer, response.token);
  const auto observation = observations_.ByToken(peer, response.token);
  if (id && observation && observations_.Find(*observation)->answered &&
      response.options.Has(option::kObserve)) {
    // A notification crossing the active cancel that shares its token: not its answer,
    // which carries no Observe (RFC 7641 §3.6).
    id.reset();
  }
  if (!id) {
    if (observation) {
      // RFC 7641 §4.2: a CON notification is acknowledged, even a stale one.
      if (response.type == Type::kConfirmable) {
        SendEmpty(peer, Type::kAcknowledgement, response.message_id, true);
      }
      OnNotification(*observation, std::move(response));
      return;
    }
    // §5.3.2: a response we do not expect is rejected (a CON) or ignored (a NON); a
    // notification of an observation we do not hold is rejected either way, so that the
    // server stops sending them (RFC 7641 §3.6, §4.2).
    counters_.Add(Counter::kUnexpectedResponses);
    if (response.type == Type::kConfirmable) {
      SendEmpty(peer, Type::kReset, response.message_id, true);
    } else if (response.options.Has(option::kObserve)) {
      SendEmpty(peer, Type::kReset, response.message_id, false);
    }
    return;
  }
  if (response.type == Type::kConfirmable) {
    SendEmpty(peer, Type::kAcknowledgement, response.message_id, true);
  }
  Complete(*id, std::move(response));
}

void Worker::OnTransmitTimeout(const ExchangeKey& key) {
  const auto id = exchanges_.ByMessageId(key.peer, key.message_id);
  if (!id) {
    if (OnNotificationTimeout(key.peer, key.message_id)) return;
    spdlog::debug("coap: {} never acknowledged separate response {}", ToString(key.peer),
                  key.message_id);
    return;
  }
  Complete(*id, Fail(core::ErrorCode::kTimeout,
                     "no acknowledgement from " + ToString(key.peer) + " after " +
                         std::to_string(config_.options.transmission.max_retransmit + 1) +
                         " transmissions"));
}

// The one place where an exchange ends. A response with more blocks to come (or any
// response whose body goes to a file) is followed with Block2 (worker_transfer.cc); the
// requests of observations and transfers have callbacks that take the response as it is
// (worker_observe.cc).
void Worker::Complete(ClientExchanges::Id id, core::Result<Message> result) {
  if (exchanges_.Find(id) == nullptr) return;
  Exchange exchange = exchanges_.Take(id);
  const Peer peer = exchange.peer;
  // A separate response can overtake its ACK (§5.2.2): it acknowledges the request too.
  if (exchange.confirmable && !exchange.acknowledged) {
    retransmissions_.Acknowledge(peer, exchange.message_id);
  }
  if (result && !exchange.transfer_step && NeedsDownload(exchange, *result)) {
    StartDownload(std::move(exchange), std::move(*result));
  } else {
    Deliver(exchange.done, std::move(result));
  }
  StartWaiting(peer);
}

std::vector<std::uint8_t> Worker::NewToken(const Peer& peer) {
  std::array<std::uint8_t, kMaxTokenLength> random{};
  for (;;) {
    random_.Fill(random);
    std::vector<std::uint8_t> token = *tokens_.Next(random);
    if (!exchanges_.ByToken(peer, token) && !observations_.Contains(peer, token)) return token;
  }
}

}  // namespace custos::coap::transport
