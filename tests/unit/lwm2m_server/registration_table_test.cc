#include <gtest/gtest.h>

#include "lwm2m/server/server.h"

namespace custos::lwm2m::server {
namespace {

Registration Make(std::string id, std::string endpoint, core::DeviceId device,
                  core::TimeMs deadline) {
  Registration r;
  r.id = std::move(id);
  r.endpoint = std::move(endpoint);
  r.device_id = device;
  r.deadline = deadline;
  return r;
}

TEST(RegistrationTableTest, FindsByIdEndpointAndDevice) {
  RegistrationTable table;
  EXPECT_FALSE(table.Put(Make("r1", "dev1", 1, 1000)));
  EXPECT_EQ(table.FindById("r1")->endpoint, "dev1");
  EXPECT_EQ(table.FindByEndpoint("dev1")->id, "r1");
  EXPECT_EQ(table.FindByDevice(1)->id, "r1");
  EXPECT_FALSE(table.FindById("r2"));
  EXPECT_EQ(table.size(), 1u);
}

TEST(RegistrationTableTest, RegisteringAgainReplacesTheOldRegistration) {
  RegistrationTable table;
  table.Put(Make("r1", "dev1", 1, 1000));
  auto replaced = table.Put(Make("r2", "dev1", 1, 2000));
  ASSERT_TRUE(replaced);
  EXPECT_EQ(replaced->id, "r1");
  EXPECT_FALSE(table.FindById("r1"));
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.NextDeadline(), 2000);
}

TEST(RegistrationTableTest, UpdateMovesTheDeadlineAndKeepsUnsetFields) {
  RegistrationTable table;
  Registration r = Make("r1", "dev1", 1, 1000);
  r.binding = "U";
  r.lifetime_s = 60;
  table.Put(r);
  UpdateRequest update;
  update.lifetime_s = 300;
  auto updated = table.Update("r1", update, coap::Peer::V4({10, 0, 0, 1}, 5683), 500, 9000);
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->lifetime_s, 300);
  EXPECT_EQ(updated->binding, "U");
  EXPECT_EQ(updated->peer.port, 5683);
  EXPECT_EQ(updated->updated_at, 500);
  EXPECT_EQ(table.NextDeadline(), 9000);
  EXPECT_FALSE(table.Update("nope", update, {}, 0, 0));
}

TEST(RegistrationTableTest, TakeExpiredReturnsOnlyPastDeadlinesEarliestFirst) {
  RegistrationTable table;
  table.Put(Make("r3", "c", 3, 3000));
  table.Put(Make("r1", "a", 1, 1000));
  table.Put(Make("r2", "b", 2, 2000));
  auto expired = table.TakeExpired(2500);
  ASSERT_EQ(expired.size(), 2u);
  EXPECT_EQ(expired[0].id, "r1");
  EXPECT_EQ(expired[1].id, "r2");
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.NextDeadline(), 3000);
  EXPECT_TRUE(table.TakeExpired(3000).empty());  // the deadline itself is still alive
}

TEST(RegistrationTableTest, RemoveByIdAndByDevice) {
  RegistrationTable table;
  table.Put(Make("r1", "a", 1, 1000));
  table.Put(Make("r2", "b", 2, 1000));
  EXPECT_EQ(table.Remove("r1")->endpoint, "a");
  EXPECT_FALSE(table.Remove("r1"));
  EXPECT_EQ(table.RemoveDevice(2)->id, "r2");
  EXPECT_EQ(table.size(), 0u);
  EXPECT_FALSE(table.NextDeadline());
}

}  // namespace
}  // namespace custos::lwm2m::server
