// The writer's asynchronous path (Writer::Submit): the completion comes after the commit, in
// the order of submission, shares batches with blocking callers, and answers at once once the
// writer is closed.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

#include "store/sqlite/writer.h"

namespace custos::store::sqlite {
namespace {

using core::ErrorCode;
using core::Result;

class WriterSubmitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("custos-writer-submit-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    std::filesystem::remove(path_);
    auto conn = Connection::Open(path_, Connection::Mode::kReadWrite, 1000, false);
    ASSERT_TRUE(conn) << conn.error().message;
    ASSERT_TRUE((*conn)->Exec("CREATE TABLE t (v TEXT UNIQUE)"));
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

  // Whether `v` is committed, as another connection sees it.
  bool Stored(const std::string& v) {
    auto s = reader_->Prepare("SELECT 1 FROM t WHERE v = ?");
    EXPECT_TRUE(s);
    s->Bind(1, std::string_view(v));
    auto row = s->Step();
    return row && *row;
  }

  std::filesystem::path path_;
  std::unique_ptr<Writer> writer_;
  std::unique_ptr<Connection> reader_;
};

TEST_F(WriterSubmitTest, CompletionsComeAfterTheCommitAndInOrder) {
  // Hold the writer in a first batch so that everything submitted meanwhile shares the next.
  std::latch entered{1};
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<Result<void>> held;
  writer_->Submit(
      [&entered, released](Connection&) -> Result<void> {
        entered.count_down();
        released.wait();
        return {};
      },
      [&held](Result<void> r) { held.set_value(std::move(r)); });
  entered.wait();

  constexpr int kCount = 50;
  std::mutex mu;
  std::vector<int> order;
  std::vector<bool> committed_when_answered(kCount, false);
  std::promise<void> all_done;
  for (int i = 0; i < kCount; ++i) {
    // Every other one fails alone (a duplicate of the first value).
    Writer::Work work = i % 2 == 0 ? Insert(fmt::format("s{}", i)) : Insert("s0");
    writer_->Submit(std::move(work), [&, i](Result<void> r) {
      std::lock_guard lock(mu);
      order.push_back(i);
      EXPECT_EQ(r.has_value(), i % 2 == 0) << i;
      if (i % 2 == 0) committed_when_answered[i] = Stored(fmt::format("s{}", i));
      if (i == kCount - 1) all_done.set_value();
    });
  }
  EXPECT_EQ(writer_->QueueDepth(), static_cast<std::size_t>(kCount));
  release.set_value();
  ASSERT_TRUE(held.get_future().get());
  ASSERT_EQ(all_done.get_future().wait_for(std::chrono::seconds(60)), std::future_status::ready);

  std::lock_guard lock(mu);
  ASSERT_EQ(order.size(), static_cast<std::size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {
    EXPECT_EQ(order[i], i);
    if (i % 2 == 0) EXPECT_TRUE(committed_when_answered[i]) << i;
  }
  // The hold, then one transaction for the fifty.
  EXPECT_EQ(writer_->counters().batches, 2u);
}

TEST_F(WriterSubmitTest, SubmitAndRunShareTheQueueInOrder) {
  std::promise<Result<void>> first;
  writer_->Submit(Insert("x"), [&first](Result<void> r) { first.set_value(std::move(r)); });
  // Run() queued after it sees its effect: the duplicate fails.
  auto second = writer_->Run(Insert("x"));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kAlreadyExists);
  EXPECT_TRUE(first.get_future().get());
}

TEST_F(WriterSubmitTest, AThrowingCompletionDoesNotStopTheWriter) {
  writer_->Submit(Insert("a"), [](Result<void>) { throw std::runtime_error("boom"); });
  EXPECT_TRUE(writer_->Run(Insert("b")));
  EXPECT_TRUE(Stored("a"));
  EXPECT_TRUE(Stored("b"));
}

TEST_F(WriterSubmitTest, AfterCloseTheCompletionRunsAtOnceWithUnavailable) {
  std::promise<Result<void>> queued;
  writer_->Submit(Insert("before"), [&queued](Result<void> r) { queued.set_value(std::move(r)); });
  writer_->Close();
  EXPECT_TRUE(queued.get_future().get());  // drained by Close
  std::optional<Result<void>> late;
  const auto caller = std::this_thread::get_id();
  std::thread::id answered_on;
  writer_->Submit(Insert("late"), [&](Result<void> r) {
    answered_on = std::this_thread::get_id();
    late = std::move(r);
  });
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(answered_on, caller);
  ASSERT_FALSE(*late);
  EXPECT_EQ(late->error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace custos::store::sqlite
