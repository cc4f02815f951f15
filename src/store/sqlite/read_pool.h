// A pool of read-only connections (WAL readers never block the writer or each other). Each
// connection keeps its own prepared statements; a lease gives one thread exclusive use of one.
// Internal to the SQLite store.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/error.h"
#include "store/sqlite/connection.h"

namespace custos::store::sqlite {

class ReadPool {
 public:
  // Exclusive use of one connection until destroyed.
  class Lease {
   public:
    Lease(ReadPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    ReadPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  // Opens `size` (at least 1) read-only connections to an existing database.
  static core::Result<std::unique_ptr<ReadPool>> Open(const std::filesystem::path& path, int size,
                                                      int busy_timeout_ms);
  ~ReadPool();

  // Waits for a free connection; kUnavailable once Close() has begun.
  core::Result<Lease> Acquire();
  // An idle connection if there is one now; nullopt (never waiting) when all are leased or
  // Close() has begun.
  std::optional<Lease> TryAcquire();
  // Refuses new leases, waits for the outstanding ones to come back, closes every connection.
  void Close();

 private:
  ReadPool() = default;
  void Return(std::unique_ptr<Connection> connection);

  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t leased_ = 0;
  bool closed_ = false;
};

}  // namespace custos::store::sqlite
