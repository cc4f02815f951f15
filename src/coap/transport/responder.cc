#include <spdlog/spdlog.h>

#include "coap/transport/endpoint.h"
#include "coap/transport/responder_state.h"
#include "coap/transport/worker.h"

namespace custos::coap {

void Responder::Respond(Message response) {
  if (!state_) return;
  if (state_->answered.exchange(true)) {
    spdlog::warn("coap: a request from {} was answered twice; the second answer is dropped",
                 ToString(state_->peer));
    return;
  }
  // After Endpoint::Stop there is nobody to send it.
  if (auto worker = state_->worker.lock()) worker->Answer(state_, std::move(response));
}

void Responder::RespondWithFile(Message head, std::filesystem::path file) {
  spdlog::error("coap: serving {} block-wise is not available yet; sending 5.00", file.string());
  head.code = codes::kInternalServerError;
  head.options.Clear();
  head.payload.clear();
  Respond(std::move(head));
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

bool Responder::answered() const { return state_ && state_->answered.load(); }

}  // namespace custos::coap
