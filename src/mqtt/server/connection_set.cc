// The live connections, and the count of handler calls not answered yet.
#include "mqtt/server/context.h"

namespace custos::mqtt::server {

void ConnectionSet::Add(std::shared_ptr<Connection> c) {
  std::lock_guard lock(mu_);
  live_.insert(std::move(c));
}

void ConnectionSet::Remove(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mu_);
  live_.erase(c);
  if (live_.empty()) cv_.notify_all();
}

std::size_t ConnectionSet::size() const {
  std::lock_guard lock(mu_);
  return live_.size();
}

void ConnectionSet::ForEach(
    const std::function<void(const std::shared_ptr<Connection>&)>& fn) const {
  std::lock_guard lock(mu_);
  for (const auto& c : live_) fn(c);
}

bool ConnectionSet::WaitEmpty(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return live_.empty(); });
}

void ConnectionSet::Clear() {
  std::lock_guard lock(mu_);
  live_.clear();
}

void CallCount::Begin() {
  std::lock_guard lock(mu_);
  ++open_;
}

void CallCount::End() {
  std::lock_guard lock(mu_);
  if (--open_ == 0) cv_.notify_all();
}

bool CallCount::WaitZero(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return open_ == 0; });
}

}  // namespace custos::mqtt::server
