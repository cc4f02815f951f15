// The server side of Observe (RFC 7641 §4) on a worker: the observations the application
// accepted (ServerObservations), their notifications sent CON or NON with fresh sequence
// numbers, block-wise when large, and the ACK, RST or timeout that settles each one.
#include <spdlog/spdlog.h>

#include <utility>

#include "coap/transport/worker.h"

namespace custos::coap::transport {
namespace {

using StatePtr = std::shared_ptr<Notifier::State>;

void Tell(NotificationSent& sent, core::Result<void> result) {
  if (!sent) return;
  try {
    sent(std::move(result));
  } catch (const std::exception& e) {
    spdlog::error("coap: a notification callback failed: {}", e.what());
  } catch (...) {
    spdlog::error("coap: a notification callback failed");
  }
}

core::Error Ended(core::ErrorCode code, std::string why) {
  return core::Error{code, std::move(why), std::nullopt};
}

}  // namespace

void Worker::PostAcceptObservation(StatePtr state) {
  boost::asio::post(io_, [this, state = std::move(state)] {
    if (state->ended.load()) return;
    now_ = Clock::now();
    if (stopping_) {
      EndServedObservation(state,
                           Ended(core::ErrorCode::kUnavailable, "the CoAP endpoint stopped"));
      return;
    }
    if (StatePtr replaced = served_.Add(state)) {
      EndServedObservation(replaced, Ended(core::ErrorCode::kFailedPrecondition,
                                           "the observer registered again with the same token"));
    }
    Finish();
  });
}

void Worker::PostNotification(StatePtr state, Message notification, bool confirmable,
                              NotificationSent sent) {
  boost::asio::post(io_, [this, state = std::move(state), notification = std::move(notification),
                          confirmable, sent = std::move(sent)]() mutable {
    if (stopping_ || state->ended.load()) {
      Tell(sent,
           tl::unexpected(Ended(core::ErrorCode::kFailedPrecondition, "the observation ended")));
      return;
    }
    now_ = Clock::now();
    SendNotification(state, std::move(notification), confirmable, std::move(sent));
    Finish();
  });
}

void Worker::PostEndObservation(StatePtr state, core::Error error) {
  boost::asio::post(io_, [this, state = std::move(state), error = std::move(error)]() mutable {
    now_ = Clock::now();
    EndServedObservation(state, std::move(error));
    Finish();
  });
}

void Worker::SendNotification(const StatePtr& state, Message notification, bool confirmable,
                              NotificationSent sent) {
  if (!notification.code.IsResponse()) {
    Tell(sent, core::MakeError(
                   core::ErrorCode::kInvalidArgument,
                   "a notification needs a response code, not " + ToString(notification.code)));
    return;
  }
  const Peer& peer = state->peer;
  const bool last = notification.code.Class() != 2;
  notification.options.Remove(option::kObserve);
  if (!last) SetObserve(notification.options, state->NextSequence());
  if (peers_.Touch(peer, now_) == PeerTable::Touched::kNew) {
    counters_.Set(Counter::kPeers, peers_.size());
  }
  if (EncodedSize(notification) + state->token.size() > max_message_) {
    // Block 0 goes now; the observer asks for the rest with the registration's URI
    // (RFC 7959 §2.6), answered from the kept body.
    auto body = std::make_shared<MemoryBody>(std::move(notification.payload));
    notification.payload.clear();
    auto served =
        ServeBlock2(Message{}, notification, *body, SzxFitting(EncodedSize(notification)));
    if (!served) {
      Tell(sent, tl::unexpected(served.error()));
      return;
    }
    notification.options.Remove(option::kObserve);
    bodies_.Put(peer, state->resource, std::move(notification), std::move(body), now_);
    notification = std::move(*served);
  }
  const std::uint16_t id = NextMessageId(peer);
  std::vector<std::uint8_t> bytes = Encode(
      FinishResponse(std::move(notification),
                     confirmable ? Type::kConfirmable : Type::kNonConfirmable, id, state->token));
  SendDatagram(peer, bytes);
  if (confirmable) retransmissions_.Add(peer, id, std::move(bytes), now_, random_.Fraction());
  if (last) {
    Tell(sent, {});
    EndServedObservation(state, Ended(core::ErrorCode::kFailedPrecondition,
                                      "the observation was ended by a notification"));
    return;
  }
  if (confirmable) {
    served_.Track(state, id, true, std::move(sent));
  } else {
    served_.Track(state, id, false, {});
    Tell(sent, {});
  }
}

void Worker::EndServedObservation(const StatePtr& state, core::Error error) {
  if (state->ended.exchange(true)) return;
  for (auto& [id, sent] : served_.Remove(state)) {
    // Nobody listens any more: the observer is not bothered with retransmissions.
    retransmissions_.Acknowledge(state->peer, id);
    Tell(sent, tl::unexpected(error));
  }
  ObservationEnded ended = std::move(state->on_ended);
  if (!ended) return;
  try {
    ended(std::move(error));
  } catch (const std::exception& e) {
    spdlog::error("coap: an observation's end callback failed: {}", e.what());
  } catch (...) {
    spdlog::error("coap: an observation's end callback failed");
  }
}

void Worker::CheckDeregistration(const Peer& peer, const Message& request) {
  if (request.code != codes::kGet && request.code != codes::kFetch) return;
  if (Observe(request.options) != 1u) return;
  if (StatePtr state = served_.Find(peer, request.token)) {
    EndServedObservation(state,
                         Ended(core::ErrorCode::kFailedPrecondition, "the observer deregistered"));
  }
}

bool Worker::OnNotificationAcknowledged(const Peer& peer, std::uint16_t message_id) {
  auto found = served_.Take(peer, message_id);
  if (!found) return false;
  Tell(found->sent, {});
  return true;
}

bool Worker::OnNotificationReset(const Peer& peer, std::uint16_t message_id) {
  auto found = served_.Take(peer, message_id);
  if (!found) return false;
  // §3.6, §4.5: the observer no longer wants it.
  core::Error error =
      Ended(core::ErrorCode::kUnavailable, "the observer rejected a notification (RST)");
  Tell(found->sent, tl::unexpected(error));
  EndServedObservation(found->state, std::move(error));
  return true;
}

bool Worker::OnNotificationTimeout(const Peer& peer, std::uint16_t message_id) {
  auto found = served_.Take(peer, message_id);
  if (!found) return false;
  core::Error error =
      Ended(core::ErrorCode::kTimeout, "the observer never acknowledged a notification");
  Tell(found->sent, tl::unexpected(error));
  EndServedObservation(found->state, std::move(error));
  return true;
}

}  // namespace custos::coap::transport
