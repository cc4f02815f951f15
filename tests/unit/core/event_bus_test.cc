#include "core/event.h"

#include <gtest/gtest.h>

#include <thread>

namespace custos::core {
namespace {

Event Make(const char* type, DeviceId id) {
  Event e;
  e.type = type;
  e.device_id = id;
  return e;
}

TEST(EventBusTest, DeliversToMatchingSubscribersInOrder) {
  FakeClock clock(1000);
  EventBus bus(clock);
  auto all = bus.Subscribe({});
  auto only7 = bus.Subscribe(EventFilter{{7}, {}});
  auto retired = bus.Subscribe(EventFilter{{}, {"device.retired"}});
  bus.Publish(Make("device.created", 7));
  bus.Publish(Make("device.retired", 8));

  auto a = all->Next(0);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->seq, 1u);
  EXPECT_EQ(a->at, 1000);
  EXPECT_EQ(all->Next(0)->seq, 2u);
  EXPECT_EQ(only7->Next(0)->type, "device.created");
  EXPECT_FALSE(only7->Next(0));
  EXPECT_EQ(retired->Next(0)->device_id, 8);
  EXPECT_FALSE(retired->Next(0));
}

TEST(EventBusTest, TypePrefixFilter) {
  EventFilter f{{}, {"device.*"}};
  EXPECT_TRUE(f.Accepts(Make("device.online", 1)));
  EXPECT_FALSE(f.Accepts(Make("group.created", 0)));
}

TEST(EventBusTest, ReplaysAfterSeq) {
  FakeClock clock(0);
  EventBus bus(clock, /*replay_capacity=*/3);
  for (int i = 0; i < 5; ++i) bus.Publish(Make("device.updated", i));
  auto sub = bus.Subscribe({}, /*after_seq=*/3);
  EXPECT_EQ(sub->Next(0)->seq, 4u);
  EXPECT_EQ(sub->Next(0)->seq, 5u);
  EXPECT_FALSE(sub->Next(0));
}

TEST(EventBusTest, SlowSubscriberDropsOldestAndCountsThem) {
  FakeClock clock(0);
  EventBus bus(clock, 16, /*subscriber_capacity=*/2);
  auto sub = bus.Subscribe({});
  for (int i = 0; i < 5; ++i) bus.Publish(Make("device.updated", i));
  EXPECT_EQ(sub->TakeDropped(), 3u);
  EXPECT_EQ(sub->Next(0)->seq, 4u);
}

TEST(EventBusTest, CloseWakesWaiters) {
  FakeClock clock(0);
  EventBus bus(clock);
  auto sub = bus.Subscribe({});
  std::thread t([&] { bus.Close(); });
  // Next returns nullopt once closed; the long timeout is only an upper bound.
  EXPECT_FALSE(sub->Next(60'000));
  t.join();
  EXPECT_TRUE(sub->Closed());
  EXPECT_EQ(bus.SubscriberCount(), 0u);
}

TEST(EventBusTest, UnsubscribesOnDestruction) {
  FakeClock clock(0);
  EventBus bus(clock);
  { auto sub = bus.Subscribe({}); EXPECT_EQ(bus.SubscriberCount(), 1u); }
  EXPECT_EQ(bus.SubscriberCount(), 0u);
}

TEST(EventBusTest, NotifierRunsOnDelivery) {
  FakeClock clock(0);
  EventBus bus(clock);
  auto sub = bus.Subscribe({});
  int calls = 0;
  sub->SetNotifier([&] { ++calls; });
  bus.Publish(Make("device.online", 1));
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace custos::core
