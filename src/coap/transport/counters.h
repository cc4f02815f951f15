// One I/O thread's share of EndpointStats. Each counter has a single writer (its thread),
// so an increment is a relaxed load and store, never a locked instruction; stats() reads
// them from any thread and sums the threads.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "coap/transport/endpoint.h"

namespace custos::coap::transport {

enum class Counter : std::size_t {
  kDatagramsReceived,
  kDatagramsSent,
  kMalformedDropped,
  kResetsSent,
  kBadOptionResponses,
  kTooLargeResponses,
  kDuplicates,
  kStrayAcks,
  kRetransmissions,
  kTransmitTimeouts,
  kResponseTimeouts,
  kUnexpectedResponses,
  kPeers,  // gauge
  kPeersEvicted,
  kPeersRefused,
  kSendFailures,
  kDtlsHandshakes,
  kDtlsHandshakeFailures,
  kDtlsCookiesSent,
  kDtlsRecordsDropped,
  kDtlsSessions,  // gauge
  kCount,
};

class alignas(64) Counters {
 public:
  // Only the owning thread calls Add and Set.
  void Add(Counter counter, std::uint64_t n = 1) {
    auto& value = values_[static_cast<std::size_t>(counter)];
    value.store(value.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void Set(Counter counter, std::uint64_t value) {
    values_[static_cast<std::size_t>(counter)].store(value, std::memory_order_relaxed);
  }
  std::uint64_t Get(Counter counter) const {
    return values_[static_cast<std::size_t>(counter)].load(std::memory_order_relaxed);
  }

 private:
  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(Counter::kCount)> values_{};
};

// Adds every counter to its field of `stats`.
void AddTo(const Counters& counters, EndpointStats& stats);

}  // namespace custos::coap::transport
