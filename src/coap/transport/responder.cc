#include <spdlog/spdlog.h>

#include "coap/transport/endpoint.h"
#include "coap/transport/responder_state.h"
#include "coap/transport/worker.h"

namespace custos::coap {

namespace {

// Marks `state` answered; false (logging it) if it already was.
bool Claim(Responder::State& state) {
  if (!state.answered.exchange(true)) return true;
  spdlog::warn("coap: a request from {} was answered twice; the second answer is dropped",
               ToString(state.peer));
  return false;
}

// An accepted observation shapes the answer: a 2.xx carries Observe, anything else ends
// the observation (RFC 7641 §4.2).
void MarkObservation(Responder::State& state, Message& response) {
  if (!state.notifier) return;
  response.options.Remove(option::kObserve);
  if (response.code.Class() == 2) {
    SetObserve(response.options, state.notifier->NextSequence());
    return;
  }
  if (auto worker = state.worker.lock()) {
    worker->PostEndObservation(
        state.notifier,
        core::Error{core::ErrorCode::kFailedPrecondition,
                    "the registration was answered " + ToString(response.code), std::nullopt});
  }
}

}  // namespace

Notifier Responder::AcceptObservation(ObservationEnded ended) {
  if (!state_ || !state_->observe_registration || state_->notifier || state_->answered.load()) {
    return Notifier();
  }
  auto worker = state_->worker.lock();
  if (!worker) return Notifier();
  state_->notifier = std::make_shared<Notifier::State>(state_->worker, state_->peer, state_->token,
                                                       state_->resource, std::move(ended));
  worker->PostAcceptObservation(state_->notifier);
  return Notifier(state_->notifier);
}

void Responder::Respond(Message response) {
  if (!state_ || !Claim(*state_)) return;
  MarkObservation(*state_, response);
  // After Endpoint::Stop there is nobody to send it.
  if (auto worker = state_->worker.lock()) worker->Answer(state_, std::move(response), nullptr);
}

void Responder::RespondWithFile(Message head, std::filesystem::path file) {
  if (!state_ || !Claim(*state_)) return;
  head.payload.clear();
  std::shared_ptr<const BodySource> body;
  if (auto opened = FileBody::Open(file)) {
    body = std::move(*opened);
  } else {
    spdlog::error("coap: cannot serve {}: {}", file.string(), opened.error().message);
    head.code = opened.error().code == core::ErrorCode::kNotFound ? codes::kNotFound
                                                                  : codes::kInternalServerError;
    head.options.Clear();
  }
  MarkObservation(*state_, head);
  if (auto worker = state_->worker.lock()) worker->Answer(state_, std::move(head), std::move(body));
}

Responder::State::~State() {
  if (answered.load()) return;
  auto owner = worker.lock();
  if (!owner) return;
  try {
    spdlog::warn("coap: a request from {} was never answered; sending 5.00", ToString(peer));
    Message response;
    response.code = codes::kInternalServerError;
    owner->PostSeparateResponse(peer, request_type, std::move(token), std::move(response));
  } catch (...) {
    // Out of memory in a destructor: the peer times out instead.
  }
}

void Responder::Ignore() {
  if (!state_ || state_->answered.exchange(true)) return;
  state_->ignored = true;
}

bool Responder::answered() const { return state_ && state_->answered.load(); }

}  // namespace custos::coap
