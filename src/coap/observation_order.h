// The order of notifications (RFC 7641 §3.4, §4.4). Notifications may arrive out of order;
// the Observe value is a 24-bit sequence number compared in serial-number arithmetic, and
// the client's own clock covers the case where the numbers can no longer be trusted.
#pragma once

#include <chrono>
#include <cstdint>

#include "coap/transmission.h"

namespace custos::coap {

// §4.4: a server never lets more than 2^23 numbers pass in less than 256 s, which is what
// lets a client fall back on time after 128 s.
inline constexpr std::chrono::seconds kObserveReorderWindow{128};

// Whether sequence number `v2` is newer than `v1` in 24-bit serial-number arithmetic:
// (V1 < V2 and V2 - V1 < 2^23) or (V1 > V2 and V1 - V2 > 2^23). Equal numbers are not newer,
// nor is V2 = V1 ± 2^23. Only the low 24 bits of each value count.
bool IsNewerSequence(std::uint32_t v1, std::uint32_t v2);

// §3.4: whether a notification (V2, received at T2) is fresher than the freshest one so far
// (V1, received at T1): IsNewerSequence(V1, V2), or T2 > T1 + 128 s.
bool IsFresher(std::uint32_t v1, TimePoint t1, std::uint32_t v2, TimePoint t2);

}  // namespace custos::coap
