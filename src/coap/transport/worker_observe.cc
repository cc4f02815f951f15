// The client side of Observe (RFC 7641) on a worker: the registration GET and the active
// cancel go through the usual client path with the observation's token; every response
// carrying that token (the registration's answer, later notifications) is judged by the
// ObservationTable and handed to the observer in freshness order.
#include <spdlog/spdlog.h>

#include <utility>

#include "coap/transport/worker.h"

namespace custos::coap::transport {
namespace {

core::Error Ended(core::ErrorCode code, std::string why) {
  return core::Error{code, std::move(why), std::nullopt};
}

bool MoreBlocks(const Message& response) {
  auto block2 = GetBlock2(response.options);
  return block2 && *block2 && (*block2)->more;
}

}  // namespace

void Worker::PostObserve(ObservationId id, const Peer& peer, Message request,
                         NotificationCallback notify) {
  boost::asio::post(
      io_, [this, id, peer, request = std::move(request), notify = std::move(notify)]() mutable {
        now_ = Clock::now();
        StartObservation(id, peer, std::move(request), std::move(notify));
        Finish();
      });
}

void Worker::PostAdopt(ObservationId id, const Peer& peer, Message registration,
                       NotificationCallback notify) {
  boost::asio::post(io_, [this, id, peer, registration = std::move(registration),
                          notify = std::move(notify)]() mutable {
    now_ = Clock::now();
    AdoptObservation(id, peer, std::move(registration), std::move(notify));
    Finish();
  });
}

void Worker::PostCancelObservation(ObservationId id, bool active) {
  boost::asio::post(io_, [this, id, active] {
    if (stopping_ || observations_.Find(id) == nullptr) return;
    now_ = Clock::now();
    CancelObservation(id, active);
    Finish();
  });
}

void Worker::StartObservation(ObservationId id, const Peer& peer, Message request,
                              NotificationCallback notify) {
  if (stopping_) {
    Deliver(notify,
            tl::unexpected(Ended(core::ErrorCode::kUnavailable, "the CoAP endpoint stopped")));
    return;
  }
  if (!request.options.Has(option::kObserve)) SetObserve(request.options, 0);
  // The token is the observation's key, so it is chosen now and kept for every message.
  request.token = NewToken(peer);
  if (auto added = observations_.Add(id, peer, request, notify); !added) {
    Deliver(notify, tl::unexpected(added.error()));
    return;
  }
  OutgoingRequest registration{
      peer, std::move(request), RequestOptions{},
      [this, id](core::Result<Message> result) { OnObservationAnswer(id, std::move(result)); }};
  registration.transfer_step = true;
  registration.keep_token = true;
  StartRequest(std::move(registration));
}

void Worker::AdoptObservation(ObservationId id, const Peer& peer, Message registration,
                              NotificationCallback notify) {
  if (stopping_) {
    Deliver(notify,
            tl::unexpected(Ended(core::ErrorCode::kUnavailable, "the CoAP endpoint stopped")));
    return;
  }
  if (registration.token.empty()) {
    Deliver(notify, tl::unexpected(Ended(core::ErrorCode::kInvalidArgument,
                                         "an adopted observation needs its token")));
    return;
  }
  if (!registration.options.Has(option::kObserve)) SetObserve(registration.options, 0);
  if (auto added = observations_.Add(id, peer, registration, notify); !added) {
    Deliver(notify, tl::unexpected(added.error()));
    return;
  }
  // Its registration was answered before: what comes next is a notification, and an active
  // cancel may reuse the token at once.
  observations_.Find(id)->answered = true;
}

void Worker::CancelObservation(ObservationId id, bool active) {
  ClientObservations::Observer* observer = observations_.Find(id);
  if (observer->cancelling) return;
  // An active cancel reuses the registration's token, which is still in use while its
  // answer is awaited; then the cancel can only be passive.
  if (!active || !observer->answered) {
    EndObservation(id,
                   Ended(core::ErrorCode::kFailedPrecondition, "the observation was cancelled"));
    return;
  }
  std::optional<Message> cancel = observations_.CancelRequest(id);
  if (!cancel) return;
  observer->cancelling = true;
  OutgoingRequest request{
      observer->peer, std::move(*cancel), RequestOptions{},
      [this, id](core::Result<Message> result) { OnObservationAnswer(id, std::move(result)); }};
  request.transfer_step = true;
  request.keep_token = true;
  StartRequest(std::move(request));
}

void Worker::OnObservationAnswer(ObservationId id, core::Result<Message> result) {
  ClientObservations::Observer* observer = observations_.Find(id);
  if (observer == nullptr) return;  // cancelled passively meanwhile
  if (!result) {
    EndObservation(id, std::move(result.error()));
    return;
  }
  observer->answered = true;
  OnNotification(id, std::move(*result));
}

void Worker::OnNotification(ObservationId id, Message response) {
  const ClientObservations::Observer* observer = observations_.Find(id);
  switch (observations_.Judge(observer->peer, response, now_)) {
    case ObservationTable::Verdict::kDeliver:
      FetchNotification(id, std::move(response), false);
      return;
    case ObservationTable::Verdict::kEnded:
      FetchNotification(id, std::move(response), true);
      return;
    case ObservationTable::Verdict::kStale:
    case ObservationTable::Verdict::kUnknown:
      return;
  }
}

void Worker::FetchNotification(ObservationId id, Message first, bool last) {
  if (!MoreBlocks(first)) {
    Notify(id, std::move(first), last);
    return;
  }
  // A block-wise notification: the rest of the body is fetched with GETs that do not
  // observe (RFC 7959 §2.6) and handed over with the first block's Observe value, unless a
  // fresher notification was handed over meanwhile.
  ClientObservations::Observer* observer = observations_.Find(id);
  const std::uint64_t delivered = observer->delivered;
  const std::optional<std::uint32_t> sequence = Observe(first.options);
  OutgoingRequest base{observer->peer, observer->registration, RequestOptions{},
                       [this, id, delivered, sequence, last](core::Result<Message> body) {
                         ClientObservations::Observer* now = observations_.Find(id);
                         if (now == nullptr) return;
                         if (!body) {
                           spdlog::debug("coap: the rest of a notification was not fetched: {}",
                                         body.error().message);
                           if (last) EndObservation(id, std::move(body.error()));
                           return;
                         }
                         if (now->delivered != delivered && !last) return;  // overtaken
                         if (sequence) SetObserve(body->options, *sequence);
                         Notify(id, std::move(*body), last);
                       }};
  const ClientTransfer::Limits limits = TransferLimits(observer->registration);
  auto transfer = std::make_shared<ClientTransfer>(std::move(base), limits);
  if (auto started = transfer->StartDownload(); !started) {
    Deliver(transfer->done(), tl::unexpected(started.error()));
    return;
  }
  ContinueTransfer(transfer, std::move(first));
}

void Worker::Notify(ObservationId id, core::Result<Message> notification, bool last) {
  if (last) {
    std::optional<ClientObservations::Observer> observer = observations_.Remove(id);
    if (observer) Deliver(observer->notify, std::move(notification));
    return;
  }
  ClientObservations::Observer* observer = observations_.Find(id);
  if (observer == nullptr) return;
  ++observer->delivered;
  // Safe across the call: whatever the callback asks of the endpoint is posted, never run
  // here, so the entry stays where it is.
  Deliver(observer->notify, std::move(notification));
}

void Worker::EndObservation(ObservationId id, core::Error error) {
  std::optional<ClientObservations::Observer> observer = observations_.Remove(id);
  if (observer) Deliver(observer->notify, tl::unexpected(std::move(error)));
}

}  // namespace custos::coap::transport
