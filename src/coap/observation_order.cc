#include "coap/observation_order.h"

namespace custos::coap {

bool IsNewerSequence(std::uint32_t v1, std::uint32_t v2) {
  constexpr std::uint32_t kMask = (1u << 24) - 1;
  constexpr std::uint32_t kHalf = 1u << 23;
  v1 &= kMask;
  v2 &= kMask;
  return (v1 < v2 && v2 - v1 < kHalf) || (v1 > v2 && v1 - v2 > kHalf);
}

bool IsFresher(std::uint32_t v1, TimePoint t1, std::uint32_t v2, TimePoint t2) {
  return IsNewerSequence(v1, v2) || t2 > t1 + kObserveReorderWindow;
}

}  // namespace custos::coap
