// The single writer of a SQLite store: one thread owns the write connection and commits
// whatever callers have queued as one transaction (group commit). Internal to the SQLite store.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "store/sqlite/connection.h"

namespace custos::store::sqlite {

class Writer {
 public:
  // A unit of work, run on the writer thread inside its own SAVEPOINT. Returning an error rolls
  // back that savepoint only; the rest of the batch still commits.
  using Work = std::function<core::Result<void>(Connection&)>;

  struct Counters {
    std::uint64_t batches = 0;   // committed transactions
    std::uint64_t ops = 0;       // units of work carried by committed transactions
    std::uint64_t failures = 0;  // units of work lost because their transaction failed
  };

  // Starts the writer thread. At most `max_batch_ops` units of work share a transaction.
  Writer(std::unique_ptr<Connection> connection, std::size_t max_batch_ops);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Queues `work` and blocks until the transaction carrying it has committed (success) or
  // failed. `work` may write results into the caller's variables: the caller is still blocked.
  // kUnavailable once Close() has begun; the commit's error if the transaction failed.
  core::Result<void> Run(Work work);

  // What an asynchronous unit of work is answered with, once its transaction committed or
  // failed. It runs on the writer thread, between two transactions: it must be quick, must
  // not block and must not call Run() (that would wait on itself); it hands work elsewhere.
  using Done = std::function<void(core::Result<void>)>;
  // Queues `work` like Run() but returns at once; `done` receives the result. Units of work
  // run and are answered in the order they were queued (Run() and Submit() alike). Once
  // Close() has begun, `done` is called at once, on the caller's thread, with kUnavailable.
  void Submit(Work work, Done done);

  // Lets the writer drain everything queued, then stops it and closes the connection.
  // Idempotent; later Run() calls fail.
  void Close();

  Counters counters() const;
  // Units of work waiting for the writer (not counting the batch in progress).
  std::size_t QueueDepth() const;

 private:
  struct Pending;

  void Loop();
  void RunBatch(std::deque<Pending*>& batch);
  core::Result<void> RunOne(Pending& op);
  static void Answer(Done& done, core::Result<void> result);

  std::unique_ptr<Connection> connection_;
  const std::size_t max_batch_ops_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Pending*> queue_;
  bool closing_ = false;

  std::atomic<std::uint64_t> batches_{0};
  std::atomic<std::uint64_t> ops_{0};
  std::atomic<std::uint64_t> failures_{0};

  std::mutex close_mu_;
  std::thread thread_;  // last: starts after everything above is initialised
};

}  // namespace custos::store::sqlite
