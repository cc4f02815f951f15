// The group-commit writer on its own: savepoints isolate a failing unit of work, a failed
// commit fails the whole batch, Close drains the queue.
#include "store/sqlite/writer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <latch>
#include <stdexcept>
#include <thread>

namespace custos::store::sqlite {
namespace {

using core::ErrorCode;
using core::Result;

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("custos-writer-test-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    std::filesystem::remove(path_);
    auto conn = Connection::Open(path_, Connection::Mode::kReadWrite, 1000, false);
    ASSERT_TRUE(conn) << conn.error().message;
    ASSERT_TRUE(
        (*conn)->Exec("CREATE TABLE t (v TEXT UNIQUE);"
                      "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                      "CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) "
                      "DEFERRABLE INITIALLY DEFERRED)"));
    writer_ = std::make_unique<Writer>(std::move(*conn), 100);
    auto reader = Connection::Open(path_, Connection::Mode::kReadOnly, 1000, false);
    ASSERT_TRUE(reader);
    reader_ = std::move(*reader);
  }

  void TearDown() override {
    reader_.reset();
    writer_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_.string() + suffix);
    }
  }

  static Writer::Work Insert(std::string v) {
    return [v](Connection& db) -> Result<void> {
      auto s = db.Prepare("INSERT INTO t (v) VALUES (?)");
      if (!s) return tl::unexpected(s.error());
      s->Bind(1, std::string_view(v));
      return s->Run();
    };
  }

  bool Stored(const std::string& v) {
    auto s = reader_->Prepare("SELECT 1 FROM t WHERE v = ?");
    EXPECT_TRUE(s);
    s->Bind(1, std::string_view(v));
    auto row = s->Step();
    return row && *row;
  }

  // Holds the writer inside a first batch until `release` is called, so that the works queued
  // meanwhile form the second batch together.
  struct Hold {
    std::latch entered{1};
    std::promise<void> released;
    std::thread thread;
  };
  void HoldWriter(Hold& hold) {
    std::shared_future<void> release = hold.released.get_future().share();
    hold.thread = std::thread([this, &hold, release] {
      auto r = writer_->Run([&hold, release](Connection&) -> Result<void> {
        hold.entered.count_down();
        release.wait();
        return {};
      });
      EXPECT_TRUE(r);
    });
    hold.entered.wait();
  }

  // Polls (with a deadline, no fixed sleep) until `n` works wait in the queue.
  void WaitForQueue(std::size_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (writer_->QueueDepth() < n) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "queue never reached " << n;
      std::this_thread::yield();
    }
  }

  std::filesystem::path path_;
  std::unique_ptr<Writer> writer_;
  std::unique_ptr<Connection> reader_;
};

TEST_F(WriterTest, OneFailingWorkDoesNotFailItsBatch) {
  ASSERT_TRUE(writer_->Run(Insert("taken")));
  Hold hold;
  HoldWriter(hold);
  std::vector<std::future<Result<void>>> results;
  auto submit = [&](Writer::Work w) {
    results.push_back(std::async(std::launch::async, [this, w] { return writer_->Run(w); }));
  };
  submit(Insert("a"));
  WaitForQueue(1);
  submit([](Connection& db) -> Result<void> {  // writes, then fails: its write is undone
    if (auto r = Insert("half")(db); !r) return r;
    return Insert("taken")(db);
  });
  WaitForQueue(2);
  submit([](Connection& db) -> Result<void> {  // throws after writing: undone, kInternal
    (void)Insert("thrown")(db);
    throw std::runtime_error("boom");
  });
  WaitForQueue(3);
  submit(Insert("b"));
  WaitForQueue(4);
  hold.released.set_value();
  hold.thread.join();

  EXPECT_TRUE(results[0].get());
  auto failed = results[1].get();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kAlreadyExists);
  auto thrown = results[2].get();
  ASSERT_FALSE(thrown);
  EXPECT_EQ(thrown.error().code, ErrorCode::kInternal);
  EXPECT_NE(thrown.error().message.find("boom"), std::string::npos);
  EXPECT_TRUE(results[3].get());

  EXPECT_TRUE(Stored("a"));
  EXPECT_TRUE(Stored("b"));
  EXPECT_FALSE(Stored("half"));
  EXPECT_FALSE(Stored("thrown"));
  Writer::Counters c = writer_->counters();
  EXPECT_EQ(c.batches, 3u);  // "taken", the hold, then the four together
  EXPECT_EQ(c.ops, 6u);
  EXPECT_EQ(c.failures, 0u);
}

// A deferred foreign key is only checked at COMMIT: the commit fails, and with it every work of
// the batch, including the innocent one.
TEST_F(WriterTest, FailedCommitFailsEveryWorkOfTheBatch) {
  Hold hold;
  HoldWriter(hold);
  auto innocent =
      std::async(std::launch::async, [this] { return writer_->Run(Insert("innocent")); });
  WaitForQueue(1);
  auto orphan = std::async(std::launch::async, [this] {
    return writer_->Run([](Connection& db) { return db.Exec("INSERT INTO child VALUES (42)"); });
  });
  WaitForQueue(2);
  hold.released.set_value();
  hold.thread.join();

  auto a = innocent.get();
  auto b = orphan.get();
  ASSERT_FALSE(a);
  ASSERT_FALSE(b);
  EXPECT_EQ(a.error().code, b.error().code);
  EXPECT_FALSE(Stored("innocent"));
  EXPECT_EQ(writer_->counters().failures, 2u);
  EXPECT_EQ(writer_->counters().batches, 1u);  // only the hold committed

  ASSERT_TRUE(writer_->Run(Insert("after")));  // the writer recovered
  EXPECT_TRUE(Stored("after"));
}

TEST_F(WriterTest, CloseDrainsQueuedWorkThenRefuses) {
  Hold hold;
  HoldWriter(hold);
  std::vector<std::future<Result<void>>> queued;
  for (int i = 0; i < 3; ++i) {
    queued.push_back(std::async(std::launch::async,
                                [this, i] { return writer_->Run(Insert(fmt::format("q{}", i))); }));
    WaitForQueue(static_cast<std::size_t>(i + 1));
  }
  std::thread closer([this] { writer_->Close(); });
  hold.released.set_value();
  hold.thread.join();
  closer.join();
  for (auto& f : queued) EXPECT_TRUE(f.get());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(Stored(fmt::format("q{}", i)));
  auto late = writer_->Run(Insert("late"));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::kUnavailable);
}

TEST_F(WriterTest, BatchesRespectTheBound) {
  writer_.reset();
  auto conn = Connection::Open(path_, Connection::Mode::kReadWrite, 1000, false);
  ASSERT_TRUE(conn);
  writer_ = std::make_unique<Writer>(std::move(*conn), 2);
  Hold hold;
  HoldWriter(hold);
  std::vector<std::future<Result<void>>> queued;
  for (int i = 0; i < 5; ++i) {
    queued.push_back(std::async(std::launch::async,
                                [this, i] { return writer_->Run(Insert(fmt::format("b{}", i))); }));
    WaitForQueue(static_cast<std::size_t>(i + 1));
  }
  hold.released.set_value();
  hold.thread.join();
  for (auto& f : queued) EXPECT_TRUE(f.get());
  EXPECT_EQ(writer_->counters().batches, 1u + 3u);  // the hold, then 2 + 2 + 1
  EXPECT_EQ(writer_->counters().ops, 6u);
}

}  // namespace
}  // namespace custos::store::sqlite
