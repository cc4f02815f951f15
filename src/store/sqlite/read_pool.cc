#include "store/sqlite/read_pool.h"

#include <utility>

namespace custos::store::sqlite {

ReadPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->Return(std::move(connection_));
}

core::Result<std::unique_ptr<ReadPool>> ReadPool::Open(const std::filesystem::path& path, int size,
                                                       int busy_timeout_ms) {
  std::unique_ptr<ReadPool> pool(new ReadPool());
  for (int i = 0; i < (size < 1 ? 1 : size); ++i) {
    auto connection = Connection::Open(path, Connection::Mode::kReadOnly, busy_timeout_ms, false);
    if (!connection) return tl::unexpected(connection.error());
    pool->idle_.push_back(std::move(*connection));
  }
  return pool;
}

ReadPool::~ReadPool() { Close(); }

core::Result<ReadPool::Lease> ReadPool::Acquire() {
  std::unique_lock lock(mu_);
  available_.wait(lock, [this] { return closed_ || !idle_.empty(); });
  if (closed_) return core::MakeError(core::ErrorCode::kUnavailable, "store is closed");
  std::unique_ptr<Connection> connection = std::move(idle_.back());
  idle_.pop_back();
  ++leased_;
  return Lease(this, std::move(connection));
}

std::optional<ReadPool::Lease> ReadPool::TryAcquire() {
  std::unique_lock lock(mu_, std::try_to_lock);
  if (!lock.owns_lock() || closed_ || idle_.empty()) return std::nullopt;
  std::unique_ptr<Connection> connection = std::move(idle_.back());
  idle_.pop_back();
  ++leased_;
  return std::optional<Lease>(std::in_place, this, std::move(connection));
}

void ReadPool::Return(std::unique_ptr<Connection> connection) {
  {
    std::lock_guard lock(mu_);
    --leased_;
    idle_.push_back(std::move(connection));
  }
  available_.notify_all();
}

void ReadPool::Close() {
  std::unique_lock lock(mu_);
  closed_ = true;
  available_.notify_all();
  available_.wait(lock, [this] { return leased_ == 0; });
  idle_.clear();
}

}  // namespace custos::store::sqlite
