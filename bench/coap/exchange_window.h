// The load generator's closed loop, without sockets or clocks: which endpoint sends next,
// which exchanges are in flight, when a request is sent again, and when one is given up.
//
// Every endpoint has at most one confirmable request outstanding, and at most `window`
// endpoints have one at a time, so a server is offered the same concurrency whatever the
// number of endpoints; endpoints take turns round-robin, so every one of them keeps
// talking. A request is sent again after ack_timeout, then after twice as long each time,
// as a CoAP client does (RFC 7252 §4.2, without the random factor so that runs compare),
// and given up after max_retransmit retransmissions.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace custos::coap_bench {

using Clock = std::chrono::steady_clock;

struct RetransmitPolicy {
  Clock::duration ack_timeout = std::chrono::seconds(2);
  int max_retransmit = 4;
};

// A datagram to send: a request from `endpoint` with `message_id`, or (`ack`) the empty ACK
// of the server's confirmable message `message_id` to that endpoint.
struct Send {
  std::uint32_t endpoint = 0;
  std::uint16_t message_id = 0;
  bool retransmission = false;
  bool ack = false;
};

class ExchangeWindow {
 public:
  enum class Mode {
    kWarmUp,   // each endpoint in turn until every one has completed an exchange
    kMeasure,  // all endpoints round-robin, without end
    kDrain,    // no new requests; in-flight ones still complete or time out
  };

  // `endpoints` and `window` at least 1; message ids start at a value derived from the
  // endpoint number, so that endpoints do not all use the same id at the same time.
  ExchangeWindow(std::size_t endpoints, std::size_t window, RetransmitPolicy policy = {});

  void SetMode(Mode mode) { mode_ = mode; }
  Mode mode() const { return mode_; }

  // Starts new exchanges, sent at `now`, until the window is full or the mode has no
  // endpoint to offer; appends them to `out`.
  void Refill(Clock::time_point now, std::vector<Send>& out);

  // A reply from `endpoint` with `message_id` arrived at `now`. Returns the exchange's
  // latency, counted from its first transmission, when it completes the exchange in flight;
  // nullopt for a duplicate, a late answer to a given-up request or anything unknown.
  std::optional<Clock::duration> Complete(std::uint32_t endpoint, std::uint16_t message_id,
                                          Clock::time_point now);

  // The message id of the exchange `endpoint` has in flight, if any: what a separate
  // response (which carries the server's own id) completes.
  std::optional<std::uint16_t> InFlightMessageId(std::uint32_t endpoint) const;

  // Appends the retransmissions due at `now` to `out` and gives up the exchanges that have
  // had max_retransmit of them and a last timeout (their endpoints become free again; in
  // warm-up they get another turn). Costs O(window).
  void Expire(Clock::time_point now, std::vector<Send>& out);
  // The earliest time at which Expire has something to do; nullopt when nothing is in flight.
  std::optional<Clock::time_point> NextDeadline() const;

  std::size_t endpoints() const { return endpoint_slot_.size(); }
  std::size_t in_flight() const { return slots_.size() - free_slots_.size(); }
  // Endpoints that have completed at least one exchange.
  std::size_t warmed() const { return warmed_count_; }
  std::uint64_t retransmissions() const { return retransmissions_; }
  std::uint64_t gave_up() const { return gave_up_; }

 private:
  struct Slot {
    std::uint32_t endpoint = 0;
    std::uint16_t message_id = 0;
    int retransmissions = 0;
    Clock::time_point first_sent;
    Clock::time_point deadline;
    Clock::duration timeout{};
  };
  static constexpr std::int32_t kIdle = -1;

  std::optional<std::uint32_t> NextEndpoint();
  void Start(std::uint32_t endpoint, Clock::time_point now, std::vector<Send>& out);
  void Release(std::int32_t slot);

  RetransmitPolicy policy_;
  Mode mode_ = Mode::kWarmUp;
  std::vector<Slot> slots_;
  std::vector<std::int32_t> free_slots_;
  std::vector<std::int32_t> endpoint_slot_;  // kIdle or the slot of its exchange
  std::vector<std::uint16_t> next_message_id_;
  std::vector<bool> warmed_;
  std::size_t warmed_count_ = 0;
  std::uint32_t warm_up_cursor_ = 0;         // next endpoint never yet sent in warm-up
  std::deque<std::uint32_t> warm_up_retry_;  // gave up during warm-up: another turn
  std::uint32_t cursor_ = 0;                 // round-robin position in measure mode
  std::uint64_t retransmissions_ = 0;
  std::uint64_t gave_up_ = 0;
};

}  // namespace custos::coap_bench
