#include "mqtt/server/admission.h"

#include <algorithm>

namespace custos::mqtt::server {

TokenBucket::TokenBucket(double rate, double burst)
    : rate_(rate), burst_(burst > 0 ? burst : std::max(rate, 1.0)), tokens_(burst_) {}

bool TokenBucket::TryTake(Clock::time_point now) {
  if (rate_ <= 0) return true;
  std::lock_guard lock(mu_);
  if (started_ && now > last_) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  }
  if (!started_ || now > last_) last_ = now;
  started_ = true;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

}  // namespace custos::mqtt::server
