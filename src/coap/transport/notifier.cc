// Notifier: the application's handle on an observation of us (RFC 7641 as the server). Every
// call is posted to the I/O thread of the observer, which sends in the order of the posts.
#include <spdlog/spdlog.h>

#include "coap/transport/endpoint.h"
#include "coap/transport/notifier_state.h"
#include "coap/transport/worker.h"

namespace custos::coap {
namespace {

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

}  // namespace

void Notifier::Notify(Message notification, bool confirmable, NotificationSent sent) {
  auto worker = state_ ? state_->worker.lock() : nullptr;
  if (!worker || state_->ended.load()) {
    Tell(sent, core::MakeError(core::ErrorCode::kFailedPrecondition, "the observation ended"));
    return;
  }
  worker->PostNotification(state_, std::move(notification), confirmable, std::move(sent));
}

void Notifier::End() {
  auto worker = state_ ? state_->worker.lock() : nullptr;
  if (!worker) return;
  worker->PostEndObservation(state_,
                             core::Error{core::ErrorCode::kFailedPrecondition,
                                         "the observation was ended by its server", std::nullopt});
}

bool Notifier::active() const { return state_ && !state_->ended.load(); }

const Peer& Notifier::peer() const {
  static const Peer kNone{};
  return state_ ? state_->peer : kNone;
}

const std::vector<std::uint8_t>& Notifier::token() const {
  static const std::vector<std::uint8_t> kNone;
  return state_ ? state_->token : kNone;
}

}  // namespace custos::coap
