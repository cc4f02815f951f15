// Our endpoint observing libcoap 4.3's coap-server-notls (Debian libcoap3-bin): its /time
// resource notifies every second; we cancel actively and passively.
#include <gtest/gtest.h>

#include <mutex>

#include "child_process.h"
#include "coap/transport/endpoint.h"
#include "libcoap_support.h"

namespace custos::coap {
namespace {

using custos::testing::BackgroundProcess;
using custos::testing::OnPath;
using namespace std::chrono_literals;

constexpr const char* kServerTool = "coap-server-notls";

class UsObservingCoapServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OnPath(kServerTool)) GTEST_SKIP() << kServerTool << " is not installed";
    EndpointOptions options;
    options.listen = "127.0.0.1:0";
    options.transmission.ack_timeout = 200ms;
    options.transmission.max_retransmit = 2;
    auto started = Endpoint::Start(options, nullptr);
    ASSERT_TRUE(started) << started.error().message;
    endpoint_ = std::move(*started);
    for (int attempt = 0; attempt < 3 && !server_; ++attempt) {
      const std::uint16_t port = testing::FreePort();
      auto server = std::make_unique<BackgroundProcess>(
          std::vector<std::string>{kServerTool, "-A", "127.0.0.1", "-p", std::to_string(port)});
      ASSERT_TRUE(server->started());
      peer_ = Peer::V4({127, 0, 0, 1}, port);
      const bool up = testing::PollUntil([&] {
        if (!server->running()) return true;
        Message ping;
        ping.code = codes::kGet;
        return testing::Call(*endpoint_, peer_, ping, {}, 5s).has_value();
      });
      if (up && server->running()) server_ = std::move(server);
    }
    ASSERT_TRUE(server_) << kServerTool << " did not answer";
  }
  void TearDown() override { endpoint_.reset(); }

  ObservationId ObserveTime() {
    Message get;
    get.code = codes::kGet;
    SetUriPath(get.options, "/time");
    return endpoint_->Observe(peer_, get, [this](core::Result<Message> notification) {
      std::lock_guard lock(mutex_);
      seen_.push_back(std::move(notification));
    });
  }
  std::size_t Seen() {
    std::lock_guard lock(mutex_);
    return seen_.size();
  }
  core::Result<Message> Last() {
    std::lock_guard lock(mutex_);
    return seen_.back();
  }
  // Whether every call so far was a 2.05 carrying Observe.
  bool AllNotifications() {
    std::lock_guard lock(mutex_);
    for (const auto& seen : seen_) {
      if (!seen || seen->code != codes::kContent || !seen->options.Has(option::kObserve)) {
        return false;
      }
    }
    return true;
  }

  std::unique_ptr<Endpoint> endpoint_;
  std::unique_ptr<BackgroundProcess> server_;
  Peer peer_;
  std::mutex mutex_;
  std::vector<core::Result<Message>> seen_;
};

TEST_F(UsObservingCoapServerTest, ReceivesNotificationsThenCancelsActively) {
  const ObservationId id = ObserveTime();
  ASSERT_TRUE(testing::PollUntil([&] { return Seen() >= 3; }));
  EXPECT_TRUE(AllNotifications());

  endpoint_->CancelObservation(id, true);
  // Ends with the answer to the GET with Observe 1: a 2.05 without Observe.
  ASSERT_TRUE(testing::PollUntil([&] {
    auto last = Last();
    return last && !last->options.Has(option::kObserve);
  }));
  auto last = Last();
  EXPECT_EQ(last->code, codes::kContent);
  EXPECT_FALSE(last->payload.empty());
}

TEST_F(UsObservingCoapServerTest, ReceivesNotificationsThenCancelsPassively) {
  const ObservationId id = ObserveTime();
  ASSERT_TRUE(testing::PollUntil([&] { return Seen() >= 2; }));
  EXPECT_TRUE(AllNotifications());
  const std::uint64_t resets = endpoint_->stats().resets_sent;

  endpoint_->CancelObservation(id, false);
  ASSERT_TRUE(testing::PollUntil([&] { return !Last(); }));
  EXPECT_EQ(Last().error().code, core::ErrorCode::kFailedPrecondition);
  const std::size_t seen = Seen();
  // The next notification is rejected with RST, which makes the server forget us.
  ASSERT_TRUE(testing::PollUntil([&] { return endpoint_->stats().resets_sent > resets; }));
  EXPECT_EQ(Seen(), seen);
}

}  // namespace
}  // namespace custos::coap
