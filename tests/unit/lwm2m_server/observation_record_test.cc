// Observations as the store keeps them, and the table taking them back after a restart.
#include "lwm2m/server/observation_record.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace custos::lwm2m::server {
namespace {

Observation Accepted() {
  Observation o;
  o.id = "o12";
  o.device = 7;
  o.paths = {Path::Resource(3, 0, 9), Path::Instance(4, 0)};
  o.secure = true;
  o.peer = coap::Peer::V4({192, 0, 2, 1}, 56830);
  o.token = {0x00, 0xab, 0x10};
  o.content_format = 112;
  o.accepted = true;
  o.last_value = boost::json::parse(R"({"path":"/3/0/9","value":87})");
  o.started_at = 1'700'000'000'000;
  o.last_notified_at = 1'700'000'005'000;
  return o;
}

TEST(ObservationRecordTest, AnAcceptedObservationRoundTrips) {
  auto record = ToRecord(Accepted());
  ASSERT_TRUE(record) << record.error().message;
  EXPECT_EQ(record->id, 12);
  EXPECT_EQ(record->paths, (std::vector<std::string>{"/3/0/9", "/4/0"}));
  EXPECT_EQ(record->peer, "192.0.2.1:56830");
  EXPECT_EQ(record->content_format, 112);
  auto back = FromRecord(*record);
  ASSERT_TRUE(back) << back.error().message;
  const Observation want = Accepted();
  EXPECT_EQ(back->id, want.id);
  EXPECT_EQ(back->device, want.device);
  EXPECT_EQ(back->paths, want.paths);
  EXPECT_EQ(back->secure, want.secure);
  EXPECT_EQ(back->peer, want.peer);
  EXPECT_EQ(back->token, want.token);
  EXPECT_EQ(back->content_format, want.content_format);
  EXPECT_TRUE(back->accepted);
  EXPECT_EQ(back->last_value, want.last_value);
  EXPECT_EQ(back->started_at, want.started_at);
  EXPECT_EQ(back->last_notified_at, want.last_notified_at);
}

TEST(ObservationRecordTest, NoValueAndNoFormatAreKeptAsSuch) {
  Observation o = Accepted();
  o.last_value = nullptr;
  o.content_format.reset();
  auto record = ToRecord(o);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->last_value_json, "");
  EXPECT_EQ(record->content_format, -1);
  auto back = FromRecord(*record);
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->last_value.is_null());
  EXPECT_FALSE(back->content_format);
}

TEST(ObservationRecordTest, RefusesWhatCannotBeAdopted) {
  for (const char* id : {"", "o", "x3", "o0", "o-1", "o3x"}) {
    Observation o = Accepted();
    o.id = id;
    EXPECT_FALSE(ToRecord(o)) << id;
  }
  auto good = *ToRecord(Accepted());
  auto bad_path = good;
  bad_path.paths = {"/3/x"};
  auto no_path = good;
  no_path.paths.clear();
  auto bad_peer = good;
  bad_peer.peer = "nowhere";
  auto no_token = good;
  no_token.token.clear();
  auto bad_value = good;
  bad_value.last_value_json = "{";
  for (const auto& r : {bad_path, no_path, bad_peer, no_token, bad_value}) {
    auto back = FromRecord(r);
    ASSERT_FALSE(back);
    EXPECT_EQ(back.error().code, core::ErrorCode::kInvalidArgument);
  }
}

TEST(ObservationTableTest, RestoredIdsComeBackAndLaterOnesGoAboveTheReservedOne) {
  ObservationTable table;
  ASSERT_TRUE(table.Restore(Accepted()));
  EXPECT_FALSE(table.Restore(Accepted())) << "the id is taken";
  table.Reserve(20);
  Observation fresh = table.Add(7, {Path::Resource(3, 0, 11)}, false, 1);
  EXPECT_EQ(fresh.id, "o21");
  table.Reserve(5);  // never backwards
  EXPECT_EQ(table.Add(7, {Path::Resource(3, 0, 11)}, false, 1).id, "o22");
  auto found = table.Find("o12");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->token, Accepted().token);
  EXPECT_EQ(table.All().size(), 3u);
}

}  // namespace
}  // namespace custos::lwm2m::server
