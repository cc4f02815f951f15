// What a Responder shares with the I/O thread that received its request.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "coap/coap.h"
#include "coap/transport/endpoint.h"
#include "coap/transport/notifier_state.h"
#include "coap/transport/response_bodies.h"

namespace custos::coap::transport {
class Worker;
}  // namespace custos::coap::transport

namespace custos::coap {

struct Responder::State {
  State(std::weak_ptr<transport::Worker> worker, const Peer& peer, const Message& request)
      : worker(std::move(worker)),
        peer(peer),
        request_type(request.type),
        request_id(request.message_id),
        token(request.token),
        resource(transport::ResourceKey(request)) {
    // Copied only when present: most requests carry neither.
    observe_registration = (request.code == codes::kGet || request.code == codes::kFetch) &&
                           Observe(request.options) == 0u;
    for (const Option& option : request.options) {
      if (option.number == option::kBlock2 || option.number == option::kSize2) {
        block_options.Add(option);
      }
    }
  }
  // A request still unanswered when the last Responder goes (the application lost it)
  // gets 5.00, so that the peer does not wait for nothing.
  ~State();
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  // Weak: a Responder kept past Endpoint::Stop must not keep the thread's state alive.
  std::weak_ptr<transport::Worker> worker;
  Peer peer;
  Type request_type;
  std::uint16_t request_id;
  std::vector<std::uint8_t> token;
  // What shapes a block-wise answer: the request's method and URI (ResourceKey), its
  // Block2 and Size2, and the last Block1 of an assembled upload, which the answer echoes
  // (RFC 7959 §2.3).
  std::string resource;
  OptionList block_options;
  std::optional<Block> last_block1;
  // A GET or FETCH with Observe 0, and the observation once accepted.
  bool observe_registration = false;
  std::shared_ptr<Notifier::State> notifier;
  std::atomic<bool> answered{false};
  std::atomic<bool> ignored{false};  // Responder::Ignore: nothing is sent

  // Touched only on the worker's thread. While the handler runs, an answer given on that
  // thread is kept here and piggybacked on the ACK (RFC 7252 §5.2.1).
  bool in_handler = true;
  std::optional<Message> immediate;
  std::shared_ptr<const BodySource> immediate_body;
};

}  // namespace custos::coap
