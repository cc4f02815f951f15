// The connect admission rate: a token bucket shared by every listener, so that a reconnect
// storm is refused cheaply instead of queuing behind authentication. Internal to the
// mqtt/server module.
#pragma once

#include <chrono>
#include <mutex>

namespace custos::mqtt::server {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // `rate` tokens per second, at most `burst` kept (0: one second's worth). A rate of 0 or
  // less admits everything.
  TokenBucket(double rate, double burst);

  // Takes one token if there is one at `now`.
  bool TryTake(Clock::time_point now);

 private:
  std::mutex mu_;
  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
  bool started_ = false;
};

}  // namespace custos::mqtt::server
