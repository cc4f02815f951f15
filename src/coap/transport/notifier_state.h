// What a Notifier shares with the I/O thread of its observer (RFC 7641 as the server).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "coap/coap.h"
#include "coap/transport/endpoint.h"

namespace custos::coap::transport {
class Worker;
}  // namespace custos::coap::transport

namespace custos::coap {

struct Notifier::State {
  State(std::weak_ptr<transport::Worker> worker, const Peer& peer, std::vector<std::uint8_t> token,
        std::string resource, ObservationEnded ended)
      : worker(std::move(worker)),
        peer(peer),
        token(std::move(token)),
        resource(std::move(resource)),
        on_ended(std::move(ended)) {}
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  // The next Observe value, 24 bits (§4.4). Taken by the first answer on the caller's
  // thread and by notifications on the I/O thread, which send them in the order taken.
  std::uint32_t NextSequence() { return sequence.fetch_add(1) & 0xFFFFFF; }

  // Weak: a Notifier kept past Endpoint::Stop must not keep the thread's state alive.
  std::weak_ptr<transport::Worker> worker;
  Peer peer;
  std::vector<std::uint8_t> token;
  // ResourceKey of the registration: where the observer fetches the rest of a block-wise
  // notification (RFC 7959 §2.6).
  std::string resource;
  std::atomic<std::uint32_t> sequence{2};
  std::atomic<bool> ended{false};

  // Touched only on the worker's thread.
  ObservationEnded on_ended;
  bool registered = false;
  std::vector<std::uint16_t> pending_confirmable;  // CON notifications not yet acknowledged
  std::vector<std::uint16_t> recent_non;           // the latest NON ones, for an RST to them
};

}  // namespace custos::coap
