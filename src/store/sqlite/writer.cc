#include "store/sqlite/writer.h"

#include <exception>
#include <future>
#include <optional>
#include <utility>

namespace custos::store::sqlite {

using core::ErrorCode;

// Lives on the caller's stack while it waits. The writer fills `result`, then moves `done` and
// `result` out and fulfils its own copy of the promise: once the caller wakes it destroys this
// object, so the writer must not be using it at that point (which is also why this is a promise
// with its reference-counted shared state, not a semaphore on the caller's stack).
// An asynchronous unit of work (Submit) has `then` instead and is owned by the writer.
struct Writer::Pending {
  Work work;
  core::Result<void> result;
  std::promise<core::Result<void>> done;
  Done then;
};

Writer::Writer(std::unique_ptr<Connection> connection, std::size_t max_batch_ops)
    : connection_(std::move(connection)),
      max_batch_ops_(max_batch_ops == 0 ? 1 : max_batch_ops),
      thread_([this] { Loop(); }) {}

Writer::~Writer() { Close(); }

core::Result<void> Writer::Run(Work work) {
  Pending op;
  op.work = std::move(work);
  std::future<core::Result<void>> done = op.done.get_future();
  {
    std::lock_guard lock(mu_);
    if (closing_) return core::MakeError(ErrorCode::kUnavailable, "store is closed");
    queue_.push_back(&op);
  }
  wake_.notify_one();
  return done.get();
}

void Writer::Submit(Work work, Done done) {
  auto op = std::make_unique<Pending>();
  op->work = std::move(work);
  op->then = std::move(done);
  {
    std::lock_guard lock(mu_);
    if (!closing_) {
      queue_.push_back(op.release());
    }
  }
  if (op) {
    op->then(core::MakeError(ErrorCode::kUnavailable, "store is closed"));
    return;
  }
  wake_.notify_one();
}

void Writer::Close() {
  std::lock_guard close_lock(close_mu_);
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  connection_.reset();  // the last connection to close checkpoints and removes the WAL
}

Writer::Counters Writer::counters() const {
  return Counters{batches_.load(), ops_.load(), failures_.load()};
}

std::size_t Writer::QueueDepth() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void Writer::Loop() {
  std::deque<Pending*> batch;
  while (true) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return !queue_.empty() || closing_; });
      if (queue_.empty()) return;  // closing and drained
      while (!queue_.empty() && batch.size() < max_batch_ops_) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    RunBatch(batch);
    for (Pending* op : batch) {
      if (op->then) {
        std::unique_ptr<Pending> owned(op);
        Answer(owned->then, std::move(owned->result));
        continue;
      }
      std::promise<core::Result<void>> done = std::move(op->done);
      core::Result<void> result = std::move(op->result);
      done.set_value(std::move(result));  // `op` may be gone from here on
    }
    batch.clear();
  }
}

void Writer::Answer(Done& done, core::Result<void> result) {
  // A completion must not throw; if one does, it must not end the writer thread, and there is
  // nothing to undo (its transaction is over), so the exception is dropped.
  try {
    done(std::move(result));
  } catch (...) {
  }
}

core::Result<void> Writer::RunOne(Pending& op) {
  // No exception may leave the writer thread: a throwing unit of work fails alone.
  try {
    return op.work(*connection_);
  } catch (const std::exception& e) {
    return core::MakeError(ErrorCode::kInternal, std::string("write failed: ") + e.what());
  } catch (...) {
    return core::MakeError(ErrorCode::kInternal, "write failed: unknown exception");
  }
}

void Writer::RunBatch(std::deque<Pending*>& batch) {
  Connection& db = *connection_;
  std::optional<core::Error> lost;  // set when the whole transaction is lost
  if (auto begin = db.ExecCached("BEGIN IMMEDIATE"); !begin) lost = begin.error();

  for (Pending* op : batch) {
    if (lost) break;
    if (auto opened = db.ExecCached("SAVEPOINT op"); !opened) {
      lost = opened.error();
      break;
    }
    op->result = RunOne(*op);
    if (db.InAutocommit()) {
      // SQLite rolled the whole transaction back (disk full, I/O error): nothing in it stays.
      lost = op->result ? core::Error{ErrorCode::kUnavailable, "write transaction was rolled back",
                                      std::nullopt}
                        : op->result.error();
      break;
    }
    if (!op->result) {
      if (auto undone = db.ExecCached("ROLLBACK TO op"); !undone) {
        lost = undone.error();
        break;
      }
    }
    if (auto released = db.ExecCached("RELEASE op"); !released) {
      lost = released.error();
      break;
    }
  }

  if (!lost) {
    if (auto commit = db.ExecCached("COMMIT"); !commit) lost = commit.error();
  }
  if (!lost) {
    batches_.fetch_add(1);
    ops_.fetch_add(batch.size());
    return;
  }
  if (!db.InAutocommit()) (void)db.Exec("ROLLBACK");
  // Every unit of work in the batch is undone, including those that had not run yet.
  for (Pending* op : batch) op->result = tl::unexpected(*lost);
  failures_.fetch_add(batch.size());
}

}  // namespace custos::store::sqlite
