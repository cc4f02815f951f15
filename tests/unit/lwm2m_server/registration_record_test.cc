#include "lwm2m/server/registration_record.h"

#include <gtest/gtest.h>

namespace custos::lwm2m::server {
namespace {

TEST(RegistrationRecordTest, ObjectListsReadBackEqual) {
  for (const char* payload : {
           "</1>,</3/0>",
           R"(</>;rt="oma.lwm2m";ct=110,</1>;ver=1.1,</3/0>)",
           R"(</lwm2m>;rt="oma.lwm2m";ct="60 110 112",</lwm2m/1/0>,</lwm2m/5>;ver=2.0)",
           "",
       }) {
    auto parsed = ParseObjectList(payload);
    ASSERT_TRUE(parsed) << payload;
    const std::string text = FormatObjectList(*parsed);
    auto again = ParseObjectList(text);
    ASSERT_TRUE(again) << text << ": " << again.error().message;
    EXPECT_EQ(*again, *parsed) << payload << " -> " << text;
  }
  EXPECT_EQ(FormatObjectList(*ParseObjectList("</1>;ver=1.1,</3/0>")), "</1>;ver=1.1,</3/0>");
}

TEST(RegistrationRecordTest, PeersReadBackFromTheirText) {
  const coap::Peer v4 = coap::Peer::V4({192, 0, 2, 1}, 5683);
  std::array<std::uint8_t, 16> bytes{0x20, 0x01, 0x0d, 0xb8};
  bytes[15] = 1;
  const coap::Peer v6 = coap::Peer::V6(bytes, 61616);
  EXPECT_EQ(ParsePeer(coap::ToString(v4)), v4);
  EXPECT_EQ(ParsePeer(coap::ToString(v6)), v6);
  for (const char* bad : {"", "1.2.3.4", "1.2.3.4:", "1.2.3.4:70000", "host:1", "[::1:5683",
                          "1.2.3.4:56x"}) {
    EXPECT_FALSE(ParsePeer(bad)) << bad;
  }
}

TEST(RegistrationRecordTest, ARegistrationRoundTrips) {
  Registration r;
  r.id = "abc123";
  r.endpoint = "dev1";
  r.device_id = 42;
  r.peer = coap::Peer::V4({127, 0, 0, 9}, 40000);
  r.secure = true;
  r.identity = "psk-id";
  r.version = format::Lwm2mVersion::kV1_2;
  r.version_text = "1.2";
  r.lifetime_s = 300;
  r.binding = "UT";
  r.sms = "+123";
  r.queue_mode = true;
  r.objects = *ParseObjectList(R"(</>;rt="oma.lwm2m";ct=110,</1>;ver=1.1,</3/0>)");
  r.registered_at = 1;
  r.updated_at = 2;
  r.deadline = 3;
  auto back = FromRecord(ToRecord(r));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->id, r.id);
  EXPECT_EQ(back->endpoint, r.endpoint);
  EXPECT_EQ(back->device_id, r.device_id);
  EXPECT_EQ(back->peer, r.peer);
  EXPECT_EQ(back->secure, r.secure);
  EXPECT_EQ(back->identity, r.identity);
  EXPECT_EQ(back->version, r.version);
  EXPECT_EQ(back->version_text, r.version_text);
  EXPECT_EQ(back->lifetime_s, r.lifetime_s);
  EXPECT_EQ(back->binding, r.binding);
  EXPECT_EQ(back->sms, r.sms);
  EXPECT_EQ(back->queue_mode, r.queue_mode);
  EXPECT_EQ(back->objects, r.objects);
  EXPECT_EQ(back->registered_at, r.registered_at);
  EXPECT_EQ(back->updated_at, r.updated_at);
  EXPECT_EQ(back->deadline, r.deadline);

  auto record = ToRecord(r);
  record.peer = "nowhere";
  EXPECT_FALSE(FromRecord(record));
  record = ToRecord(r);
  record.object_links = "<bad";
  EXPECT_FALSE(FromRecord(record));
}

}  // namespace
}  // namespace custos::lwm2m::server
